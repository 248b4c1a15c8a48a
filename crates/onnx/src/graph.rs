//! Node depths as the reference extractor (onnxzoo2filterdb) defines them: the length of the longest
//! path to a node from the nodes that consume a real graph input (those being depth 0). Nodes fed
//! only by constants have no depth.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::proto::GraphProto;
use crate::OnnxError;

/// Depth of every node of the graph, by node index; `None` where no path from an input reaches it.
pub fn node_depths(g: &GraphProto) -> Result<Vec<Option<usize>>, OnnxError> {
    let initializers: HashSet<&str> = g.initializer.iter().map(|t| t.name.as_str()).collect();
    let real_inputs: HashSet<&str> = g
        .input
        .iter()
        .map(|v| v.name.as_str())
        .filter(|n| !initializers.contains(n))
        .collect();
    let mut producer: HashMap<&str, usize> = HashMap::new();
    for (i, node) in g.node.iter().enumerate() {
        for o in &node.output {
            if !o.is_empty() {
                producer.insert(o.as_str(), i);
            }
        }
    }
    let n = g.node.len();
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    let mut depth: Vec<Option<usize>> = vec![None; n];
    for (i, node) in g.node.iter().enumerate() {
        let mut preds = HashSet::new();
        for input in &node.input {
            if real_inputs.contains(input.as_str()) {
                depth[i] = Some(0);
            }
            if let Some(&p) = producer.get(input.as_str()) {
                if p != i && preds.insert(p) {
                    consumers[p].push(i);
                    indegree[i] += 1;
                }
            }
        }
    }
    // Kahn's order: every predecessor's longest path is final before its consumers are visited.
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut visited = 0;
    while let Some(p) = queue.pop_front() {
        visited += 1;
        for &c in &consumers[p] {
            if let Some(d) = depth[p] {
                depth[c] = Some(depth[c].map_or(d + 1, |x: usize| x.max(d + 1)));
            }
            indegree[c] -= 1;
            if indegree[c] == 0 {
                queue.push_back(c);
            }
        }
    }
    if visited != n {
        return Err(OnnxError::Cycle);
    }
    Ok(depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{NodeProto, TensorProto, ValueInfoProto};

    fn node(op: &str, inputs: &[&str], outputs: &[&str]) -> NodeProto {
        NodeProto {
            op_type: op.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: outputs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn longest_path_wins_and_constants_have_no_depth() {
        // x -> A -> B -> C ; x -> C directly (skip); K (constant) -> C
        let g = GraphProto {
            input: vec![
                ValueInfoProto { name: "x".into() },
                ValueInfoProto { name: "w".into() },
            ],
            initializer: vec![TensorProto {
                name: "w".into(),
                ..Default::default()
            }],
            node: vec![
                node("Relu", &["x"], &["a"]),
                node("Relu", &["a"], &["b"]),
                node("Constant", &[], &["k"]),
                node("Add", &["b", "x", "k"], &["c"]),
                node("Mul", &["k", "w"], &["m"]),
            ],
            ..Default::default()
        };
        let d = node_depths(&g).unwrap();
        assert_eq!(d, vec![Some(0), Some(1), None, Some(2), None]);
    }

    #[test]
    fn cycles_are_rejected() {
        let g = GraphProto {
            input: vec![ValueInfoProto { name: "x".into() }],
            node: vec![
                node("Add", &["x", "b"], &["a"]),
                node("Relu", &["a"], &["b"]),
            ],
            ..Default::default()
        };
        assert_eq!(node_depths(&g), Err(OnnxError::Cycle));
    }
}
