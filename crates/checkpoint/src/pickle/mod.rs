//! A pickle reader for the subset `torch.save` writes, and nothing more. Pickles are programs:
//! a general unpickler imports and calls whatever the file names, which is why `.pt` files are
//! feared. This one calls nothing. It knows plain values and containers, and the handful of
//! torch functions that rebuild a tensor or a parameter, which it records as data; any other
//! class or function the pickle names is refused with its name (as `torch.load(weights_only=
//! True)` does), and so is any opcode outside the subset.
//!
//! Containers live in an arena and values refer to them by index, so a value is cheap to copy
//! (a memo fetch never duplicates a structure), cycles are harmless, and nothing is dropped
//! recursively: a hostile pickle can neither blow up memory nor the stack.

mod reader;
mod value;

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{truncated, CheckpointError};
use reader::Reader;
pub(crate) use value::{Node, Value};

/// A read pickle: its result and the containers it refers to.
#[derive(Debug)]
pub(crate) struct Pickle {
    pub nodes: Vec<Node>,
    pub root: Value,
    /// Bytes read (legacy torch files hold several pickles in a row).
    pub len: usize,
}

/// Reads one pickle from the start of `b`.
pub(crate) fn read(b: &[u8]) -> Result<Pickle, CheckpointError> {
    let mut r = Reader {
        b,
        at: 0,
        nodes: vec![],
        stack: vec![],
        marks: vec![],
        memo: HashMap::new(),
    };
    loop {
        let op = r
            .u8()
            .map_err(|_| truncated(format!("the pickle ends at byte {} without STOP", r.at)))?;
        if r.step(op)? {
            break;
        }
    }
    let root = r
        .stack
        .pop()
        .ok_or_else(|| r.refuse("STOP with an empty stack"))?;
    Ok(Pickle {
        nodes: r.nodes,
        root,
        len: r.at,
    })
}

impl Pickle {
    /// The container `v` refers to.
    pub fn node(&self, v: &Value) -> Option<&Node> {
        match v {
            Value::Node(i) => self.nodes.get(*i),
            _ => None,
        }
    }

    /// The integers of a tuple or list (a shape, a stride).
    pub fn ints(&self, v: &Value) -> Option<Vec<usize>> {
        let items = match self.node(v)? {
            Node::Tuple(t) | Node::List(t) => t,
            _ => return None,
        };
        items
            .iter()
            .map(|x| match x {
                Value::Int(i) => usize::try_from(*i).ok(),
                _ => None,
            })
            .collect()
    }

    /// A dict's entries with text keys, each key once (the last value wins, as in Python).
    pub fn dict(&self, v: &Value) -> Option<Vec<(Rc<str>, Value)>> {
        let Node::Dict(d) = self.node(v)? else {
            return None;
        };
        let mut out: Vec<(Rc<str>, Value)> = vec![];
        let mut seen: HashMap<Rc<str>, usize> = HashMap::new();
        for (k, v) in d {
            let Value::Str(k) = k else { continue };
            match seen.get(k) {
                Some(&i) => out[i].1 = v.clone(),
                None => {
                    seen.insert(k.clone(), out.len());
                    out.push((k.clone(), v.clone()));
                }
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_and_containers() {
        // {'a': [1, -2, 3.5], 'b': (True, None)} at protocol 2 (Python's pickle.dumps).
        let p = b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01J\xfe\xff\xff\xffG@\x0c\x00\x00\x00\x00\x00\x00eX\x01\x00\x00\x00bq\x03\x88N\x86q\x04u.";
        let r = read(p).unwrap();
        let d = r.dict(&r.root).unwrap();
        assert_eq!(&*d[0].0, "a");
        let Some(Node::List(l)) = r.node(&d[0].1) else {
            panic!()
        };
        assert_eq!(l, &[Value::Int(1), Value::Int(-2), Value::Float(3.5)]);
        assert_eq!(r.len, p.len());
    }

    #[test]
    fn code_is_refused_by_name() {
        // pickle.dumps of a class whose __reduce__ is os.system("echo hi").
        let p = b"\x80\x02cposix\nsystem\nq\x00X\x07\x00\x00\x00echo hiq\x01\x85q\x02Rq\x03.";
        let e = read(p).unwrap_err().to_string();
        assert!(
            e.contains("posix.system") && e.contains("runs nothing"),
            "{e}"
        );
        assert!(read(b"\x80\x02cbuiltins\neval\n.").is_err());
        // INST and OBJ (protocol 0 calls) are outside the subset.
        assert!(read(b"(ios\nsystem\nS'x'\no.")
            .unwrap_err()
            .to_string()
            .contains("outside"));
    }

    #[test]
    fn shared_structures_stay_cheap_and_bad_stacks_fail() {
        // One list fetched from the memo a hundred thousand times: references, not copies.
        let mut p = b"\x80\x02]q\x00(".to_vec();
        for _ in 0..100_000 {
            p.extend(b"h\x00");
        }
        p.extend(b"e.");
        let r = read(&p).unwrap();
        assert_eq!(r.nodes.len(), 1);
        for bad in [
            &b"\x80\x02."[..],
            b"\x80\x02s.",
            b"\x80\x02K",
            b"\x80\x02(K\x01u.",
        ] {
            assert!(read(bad).is_err(), "{bad:?}");
        }
    }
}
