//! Reading a model: every 3x3 convolution's weights, found through the graph (initializers,
//! dequantized tensors) and decoded, with the node's depth.

use std::collections::{BTreeSet, HashMap};

use crate::graph::node_depths;
use crate::proto::{ModelProto, NodeProto, TensorProto};
use crate::{tensor, ExternalData, OnnxError};

/// One conv layer of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvLayer {
    /// The node's name (or its first output's, when unnamed).
    pub name: String,
    /// The name of its weight input (what a checkpoint of the same model calls the tensor).
    pub weight: String,
    /// Output channels (weight dim 0).
    pub out_channels: usize,
    /// Input channels per group (weight dim 1), the fan-in of each filter set.
    pub in_channels: usize,
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Longest-path depth of the node in the graph.
    pub depth: usize,
    /// Rank of `depth` among the distinct depths that hold a 4-D conv.
    pub conv_depth: usize,
    /// conv_depth / (number of such depths - 1); 0 when there is only one.
    pub conv_depth_norm: f64,
    /// Raw weights in (out, in, kh, kw) order, for 3x3 layers only.
    pub weights: Option<Vec<f64>>,
}

impl ConvLayer {
    /// The layer's 3x3 filters, in (out, in) order; empty for other kernel sizes.
    pub fn filters(&self) -> Vec<[f64; 9]> {
        self.weights
            .as_deref()
            .unwrap_or_default()
            .chunks_exact(9)
            .map(|c| c.try_into().expect("chunk of 9"))
            .collect()
    }

    /// Whether the layer enters the filter DB (3x3 kernels).
    pub fn is_3x3(&self) -> bool {
        self.kernel == [3, 3]
    }
}

/// The conv layers of a model, in graph order.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelConvs {
    /// Layers that have a depth.
    pub layers: Vec<ConvLayer>,
    /// Names of 4-D convs that no graph input reaches (fed only by constants): they have no depth.
    pub unreached: Vec<String>,
}

impl ModelConvs {
    /// Number of 3x3 filters in the model.
    pub fn n_filters(&self) -> usize {
        self.layers
            .iter()
            .filter(|l| l.is_3x3())
            .map(|l| l.out_channels * l.in_channels)
            .sum()
    }
}

fn node_name(n: &NodeProto) -> String {
    if !n.name.is_empty() {
        n.name.clone()
    } else {
        n.output.first().cloned().unwrap_or_default()
    }
}

/// Where a weight comes from.
enum Source<'a> {
    Tensor(&'a TensorProto),
    Dequantize {
        x: &'a TensorProto,
        scale: &'a TensorProto,
        zero: Option<&'a TensorProto>,
        axis: i64,
    },
}

struct Resolver<'a> {
    initializers: HashMap<&'a str, &'a TensorProto>,
    producers: HashMap<&'a str, &'a NodeProto>,
}

impl<'a> Resolver<'a> {
    fn tensor(&self, name: &str, conv: &NodeProto) -> Result<&'a TensorProto, OnnxError> {
        match self.resolve(name, conv, 0)? {
            Source::Tensor(t) => Ok(t),
            Source::Dequantize { .. } => {
                Err(self.computed(conv, name, "a DequantizeLinear output"))
            }
        }
    }

    fn computed(&self, conv: &NodeProto, weight: &str, kind: &str) -> OnnxError {
        OnnxError::ComputedWeight {
            node: node_name(conv),
            weight: weight.to_string(),
            source_kind: kind.to_string(),
        }
    }

    fn resolve(&self, name: &str, conv: &NodeProto, hops: usize) -> Result<Source<'a>, OnnxError> {
        if let Some(t) = self.initializers.get(name) {
            return Ok(Source::Tensor(t));
        }
        let Some(p) = self.producers.get(name) else {
            return Err(self.computed(conv, name, "neither an initializer nor a node output"));
        };
        if hops > 16 {
            return Err(self.computed(conv, name, "behind too many Identity nodes"));
        }
        match p.op_type.as_str() {
            "Constant" => p
                .attribute
                .iter()
                .find(|a| a.name == "value")
                .and_then(|a| a.t.as_ref())
                .map(Source::Tensor)
                .ok_or_else(|| self.computed(conv, name, "a Constant without a tensor value")),
            "Identity" => self.resolve(&p.input[0], conv, hops + 1),
            "DequantizeLinear" => {
                let x = self.tensor(&p.input[0], conv)?;
                let scale = self.tensor(p.input.get(1).map_or("", |s| s), conv)?;
                let zero = match p.input.get(2).filter(|s| !s.is_empty()) {
                    Some(z) => Some(self.tensor(z, conv)?),
                    None => None,
                };
                let axis = p
                    .attribute
                    .iter()
                    .find(|a| a.name == "axis")
                    .map_or(1, |a| a.i);
                Ok(Source::Dequantize {
                    x,
                    scale,
                    zero,
                    axis,
                })
            }
            other => Err(self.computed(conv, name, &format!("the output of a {other} node"))),
        }
    }
}

fn dims_of(src: &Source) -> Vec<i64> {
    match src {
        Source::Tensor(t) => t.dims.clone(),
        Source::Dequantize { x, .. } => x.dims.clone(),
    }
}

fn values_of(src: &Source, external: &dyn ExternalData) -> Result<Vec<f64>, OnnxError> {
    match src {
        Source::Tensor(t) => tensor::float_values(t, external),
        Source::Dequantize {
            x,
            scale,
            zero,
            axis,
        } => {
            let q = tensor::int_values(x, external)?;
            let s = tensor::float_values(scale, external)?;
            let z = match zero {
                Some(z) => tensor::int_values(z, external)?,
                None => vec![0.0; s.len()],
            };
            let rank = x.dims.len() as i64;
            let axis = if *axis < 0 { axis + rank } else { *axis };
            if s.len() == 1 {
                return Ok(q.iter().map(|v| (v - z[0]) * s[0]).collect());
            }
            // Per-axis: scale k applies to every element whose index along `axis` is k.
            let bad = || OnnxError::BadTensor {
                tensor: x.name.clone(),
                problem: format!(
                    "per-axis scale of length {} does not fit axis {axis}",
                    s.len()
                ),
            };
            let ax = usize::try_from(axis).map_err(|_| bad())?;
            let dim = *x.dims.get(ax).ok_or_else(bad)? as usize;
            if dim != s.len() || z.len() != s.len() {
                return Err(bad());
            }
            let inner: usize = x.dims[ax + 1..].iter().map(|&d| d as usize).product();
            Ok(q.iter()
                .enumerate()
                .map(|(i, v)| {
                    let k = (i / inner) % dim;
                    (v - z[k]) * s[k]
                })
                .collect())
        }
    }
}

/// Reads a model's conv layers from its serialized bytes.
///
/// ```
/// use filterscope_onnx::builder::{conv_chain, ConvSpec, Storage};
/// use filterscope_onnx::{read_model, NoExternalData};
///
/// // A 1x1 conv, then a 3x3 conv with 2 out x 1 in channels.
/// let conv = |out_channels, k| ConvSpec {
///     out_channels,
///     in_channels: 1,
///     k,
///     weights: (0..out_channels * k * k).map(|i| i as f64 / 10.0).collect(),
///     storage: Storage::Float32,
///     skip_from_input: false,
/// };
/// let bytes = conv_chain(&[conv(1, 1), conv(2, 3)]);
/// let m = read_model(&bytes, &NoExternalData).unwrap();
/// assert_eq!(m.layers.len(), 2); // both convs count for depth...
/// let l = &m.layers[1];
/// assert!(l.is_3x3() && !m.layers[0].is_3x3()); // ...only the 3x3 one has filters
/// assert_eq!((l.conv_depth, l.conv_depth_norm), (1, 1.0));
/// assert_eq!(l.filters().len(), 2);
/// assert_eq!(m.n_filters(), 2);
/// ```
pub fn read_model(bytes: &[u8], external: &dyn ExternalData) -> Result<ModelConvs, OnnxError> {
    convs_of(
        &ModelProto::parse(bytes).map_err(|e| OnnxError::NotOnnx(e.to_string()))?,
        external,
    )
}

/// [`read_model`] of bytes it owns: tensors are decoded from the bytes in place rather than
/// copied first, so a browser tab reading a visitor's 100 MB model holds it once.
pub fn read_model_owned(
    bytes: Vec<u8>,
    external: &dyn ExternalData,
) -> Result<ModelConvs, OnnxError> {
    let model = ModelProto::parse_owned(bytes).map_err(|e| OnnxError::NotOnnx(e.to_string()))?;
    convs_of(&model, external)
}

/// [`read_model_owned`] a layer at a time: `each` gets every conv layer that has a depth, in
/// graph order, its weights decoded just before, and may drop them before the next is decoded (a
/// browser tab then holds the file and one layer's weights, not every weight at once). Errors
/// that concern the whole graph (no graph, a cycle, a quantized convolution) come before the
/// first layer. Returns the names of the 4-D convs no graph input reaches (they have no depth).
pub fn read_model_each(
    bytes: Vec<u8>,
    external: &dyn ExternalData,
    each: &mut dyn FnMut(ConvLayer),
) -> Result<Vec<String>, OnnxError> {
    let model = ModelProto::parse_owned(bytes).map_err(|e| OnnxError::NotOnnx(e.to_string()))?;
    each_conv(&model, external, each)
}

fn convs_of(model: &ModelProto, external: &dyn ExternalData) -> Result<ModelConvs, OnnxError> {
    let mut layers = Vec::new();
    let unreached = each_conv(model, external, &mut |l| layers.push(l))?;
    Ok(ModelConvs { layers, unreached })
}

/// Calls `each` with every conv layer that has a depth; returns the names of those without.
fn each_conv(
    model: &ModelProto,
    external: &dyn ExternalData,
    each: &mut dyn FnMut(ConvLayer),
) -> Result<Vec<String>, OnnxError> {
    let g = model.graph.as_ref().ok_or(OnnxError::NoGraph)?;
    if g.node.is_empty() {
        return Err(OnnxError::NotOnnx("the graph has no nodes".into()));
    }
    let depths = node_depths(g)?;
    let resolver = Resolver {
        initializers: g.initializer.iter().map(|t| (t.name.as_str(), t)).collect(),
        producers: g
            .node
            .iter()
            .flat_map(|n| n.output.iter().map(move |o| (o.as_str(), n)))
            .collect(),
    };
    // First: every 4-D conv, its source and depth.
    let mut found = Vec::new();
    for (i, node) in g.node.iter().enumerate() {
        match node.op_type.as_str() {
            "Conv" => {}
            "ConvInteger" | "QLinearConv" => {
                return Err(OnnxError::Quantized {
                    node: node_name(node),
                    op: node.op_type.clone(),
                })
            }
            _ => continue,
        }
        let Some(w) = node.input.get(1) else { continue };
        let src = resolver.resolve(w, node, 0)?;
        let dims = dims_of(&src);
        if dims.len() != 4 {
            continue;
        }
        found.push((i, node, src, dims));
    }
    let conv_depths: BTreeSet<usize> = found.iter().filter_map(|(i, ..)| depths[*i]).collect();
    let ranks: HashMap<usize, usize> = conv_depths
        .iter()
        .enumerate()
        .map(|(r, &d)| (d, r))
        .collect();
    let denom = conv_depths.len().saturating_sub(1);
    let mut unreached = Vec::new();
    for (i, node, src, dims) in found {
        let Some(depth) = depths[i] else {
            unreached.push(node_name(node));
            continue;
        };
        let d = |k: usize| usize::try_from(dims[k]).unwrap_or(0);
        let kernel = [d(2), d(3)];
        let weights = if kernel == [3, 3] {
            let v = values_of(&src, external)?;
            Some(v)
        } else {
            None
        };
        let conv_depth = ranks[&depth];
        each(ConvLayer {
            name: node_name(node),
            weight: node.input[1].clone(),
            out_channels: d(0),
            in_channels: d(1),
            kernel,
            depth,
            conv_depth,
            conv_depth_norm: if denom == 0 {
                0.0
            } else {
                conv_depth as f64 / denom as f64
            },
            weights,
        });
    }
    Ok(unreached)
}
