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

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{truncated, CheckpointError};

/// A pickled value; containers are indices into [`Pickle::nodes`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An integer wider than 64 bits, as its little-endian two's-complement bytes.
    Long(Rc<[u8]>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Node(usize),
}

/// What a container holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// A class or function the pickle named (only those [`allowed`] lets through).
    Global(String, String),
    /// A persistent id: torch's reference to a storage kept outside the pickle.
    Persistent(Value),
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`, not called.
    Tensor {
        storage: Value,
        offset: Value,
        size: Value,
        stride: Value,
    },
}

/// A read pickle: its result and the containers it refers to.
#[derive(Debug)]
pub(crate) struct Pickle {
    pub nodes: Vec<Node>,
    pub root: Value,
    /// Bytes read (legacy torch files hold several pickles in a row).
    pub len: usize,
}

/// Functions and classes a torch checkpoint names that this reader understands: tensor and
/// parameter rebuilds, storages' types, ordered dicts, torch's encoding of bytes.
fn allowed(module: &str, name: &str) -> bool {
    match module {
        "collections" => name == "OrderedDict",
        "torch._utils" => matches!(
            name,
            "_rebuild_tensor"
                | "_rebuild_tensor_v2"
                | "_rebuild_parameter"
                | "_rebuild_parameter_with_state"
        ),
        "torch" => name.ends_with("Storage") || name == "Size",
        "_codecs" => name == "encode",
        _ => false,
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    nodes: Vec<Node>,
    stack: Vec<Value>,
    marks: Vec<usize>,
    memo: HashMap<u32, Value>,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CheckpointError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| {
            truncated(format!(
                "the pickle ends inside an opcode at byte {}",
                self.at
            ))
        })?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, CheckpointError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, CheckpointError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }
    fn u64(&mut self) -> Result<u64, CheckpointError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }
    fn sized(&mut self, n: u64) -> Result<&'a [u8], CheckpointError> {
        self.take(usize::try_from(n).unwrap_or(usize::MAX))
    }
    fn line(&mut self) -> Result<&'a str, CheckpointError> {
        let rest = &self.b[self.at..];
        let n = rest
            .iter()
            .position(|&c| c == b'\n')
            .ok_or_else(|| truncated("the pickle ends inside a GLOBAL name"))?;
        let s = std::str::from_utf8(&rest[..n])
            .map_err(|_| self.refuse("a GLOBAL name that is not text"))?;
        self.at += n + 1;
        Ok(s)
    }
    fn refuse(&self, why: impl std::fmt::Display) -> CheckpointError {
        CheckpointError::Refused(format!("pickle byte {}: {why}", self.at))
    }
    fn pop(&mut self) -> Result<Value, CheckpointError> {
        if self.marks.last().is_some_and(|&m| m >= self.stack.len()) {
            return Err(self.refuse("an opcode pops past a MARK"));
        }
        self.stack
            .pop()
            .ok_or_else(|| self.refuse("an opcode pops an empty stack"))
    }
    fn pop_mark(&mut self) -> Result<Vec<Value>, CheckpointError> {
        let m = self
            .marks
            .pop()
            .ok_or_else(|| self.refuse("no MARK to pop to"))?;
        Ok(self.stack.split_off(m))
    }
    fn push_node(&mut self, n: Node) {
        self.nodes.push(n);
        self.stack.push(Value::Node(self.nodes.len() - 1));
    }
    fn node_mut(&mut self, v: &Value) -> Option<&mut Node> {
        match v {
            Value::Node(i) => self.nodes.get_mut(*i),
            _ => None,
        }
    }
    fn text(&mut self, n: u64) -> Result<(), CheckpointError> {
        let s = self.sized(n)?;
        let s = std::str::from_utf8(s).map_err(|_| self.refuse("a string that is not UTF-8"))?;
        self.stack.push(Value::Str(s.into()));
        Ok(())
    }
    fn bytes(&mut self, n: u64) -> Result<(), CheckpointError> {
        let s = self.sized(n)?;
        self.stack.push(Value::Bytes(s.into()));
        Ok(())
    }
    fn top_container(&mut self, what: &str) -> Result<usize, CheckpointError> {
        match self.stack.last() {
            Some(Value::Node(i)) => Ok(*i),
            _ => Err(self.refuse(format!("{what} on something that is not a container"))),
        }
    }
    fn extend(&mut self, items: Vec<Value>) -> Result<(), CheckpointError> {
        let i = self.top_container("APPEND")?;
        match &mut self.nodes[i] {
            Node::List(l) => l.extend(items),
            _ => return Err(self.refuse("APPEND to something that is not a list")),
        }
        Ok(())
    }
    fn set_items(&mut self, items: Vec<Value>) -> Result<(), CheckpointError> {
        if items.len() % 2 != 0 {
            return Err(self.refuse("SETITEMS with an odd number of values"));
        }
        let i = self.top_container("SETITEM")?;
        let mut it = items.into_iter();
        let Node::Dict(d) = &mut self.nodes[i] else {
            return Err(self.refuse("SETITEM on something that is not a dict"));
        };
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            d.push((k, v));
        }
        Ok(())
    }
    fn memo_get(&mut self, k: u32) -> Result<(), CheckpointError> {
        let v = self
            .memo
            .get(&k)
            .cloned()
            .ok_or_else(|| self.refuse(format!("memo {k} was never stored")))?;
        self.stack.push(v);
        Ok(())
    }
    fn memo_put(&mut self, k: u32) -> Result<(), CheckpointError> {
        let v = self
            .stack
            .last()
            .cloned()
            .ok_or_else(|| self.refuse("memo of an empty stack"))?;
        self.memo.insert(k, v);
        Ok(())
    }
    fn global(&mut self, module: &str, name: &str) -> Result<(), CheckpointError> {
        if !allowed(module, name) {
            return Err(self.refuse(format!(
                "it names {module}.{name}, which is not a tensor or a plain container; this reader runs nothing from a file (save the weights alone: torch.save(model.state_dict(), path))"
            )));
        }
        self.push_node(Node::Global(module.into(), name.into()));
        Ok(())
    }
    fn reduce(&mut self) -> Result<(), CheckpointError> {
        let args = self.pop()?;
        let f = self.pop()?;
        let (module, name) = match self.node_mut(&f) {
            Some(Node::Global(m, n)) => (m.clone(), n.clone()),
            _ => return Err(self.refuse("REDUCE of something that is not a named function")),
        };
        let args = match self.node_mut(&args) {
            Some(Node::Tuple(t)) => t.clone(),
            _ => return Err(self.refuse("REDUCE with arguments that are not a tuple")),
        };
        let arg = |k: usize| args.get(k).cloned().unwrap_or(Value::None);
        match (module.as_str(), name.as_str()) {
            ("collections", "OrderedDict") if args.is_empty() => self.push_node(Node::Dict(vec![])),
            ("torch._utils", "_rebuild_tensor" | "_rebuild_tensor_v2") if args.len() >= 4 => self
                .push_node(Node::Tensor {
                    storage: arg(0),
                    offset: arg(1),
                    size: arg(2),
                    stride: arg(3),
                }),
            ("torch._utils", _) | ("torch", "Size") if !args.is_empty() => self.stack.push(arg(0)),
            ("_codecs", "encode") => match arg(0) {
                // torch's protocol-2 bytes: the text's code points are the bytes (latin-1).
                Value::Str(s) => {
                    let b: Option<Vec<u8>> =
                        s.chars().map(|c| u8::try_from(c as u32).ok()).collect();
                    let b = b.ok_or_else(|| self.refuse("_codecs.encode of a non-latin-1 text"))?;
                    self.stack.push(Value::Bytes(b.into()))
                }
                _ => return Err(self.refuse("_codecs.encode of something that is not text")),
            },
            _ => {
                return Err(self.refuse(format!(
                    "{module}.{name} called with arguments this reader does not know"
                )))
            }
        }
        Ok(())
    }
    fn tuple(&mut self, n: usize) -> Result<(), CheckpointError> {
        let mut items = (0..n).map(|_| self.pop()).collect::<Result<Vec<_>, _>>()?;
        items.reverse();
        self.push_node(Node::Tuple(items));
        Ok(())
    }

    fn step(&mut self, op: u8) -> Result<bool, CheckpointError> {
        match op {
            0x80 => {
                let p = self.u8()?;
                if p > 5 {
                    return Err(self.refuse(format!("pickle protocol {p}")));
                }
            }
            0x95 => {
                self.u64()?;
            }
            b'.' => return Ok(true),
            b'(' => self.marks.push(self.stack.len()),
            b'N' => self.stack.push(Value::None),
            0x88 => self.stack.push(Value::Bool(true)),
            0x89 => self.stack.push(Value::Bool(false)),
            b'K' => {
                let v = self.u8()?;
                self.stack.push(Value::Int(v as i64))
            }
            b'M' => {
                let v = u16::from_le_bytes(self.take(2)?.try_into().expect("2"));
                self.stack.push(Value::Int(v as i64))
            }
            b'J' => {
                let v = self.u32()? as i32;
                self.stack.push(Value::Int(v as i64))
            }
            0x8a => {
                let n = self.u8()? as usize;
                let b = self.take(n)?;
                let v = if n == 0 {
                    Value::Int(0)
                } else if n <= 8 {
                    // Sign-extend the little-endian two's complement.
                    let fill = if b[n - 1] & 0x80 != 0 { 0xff } else { 0 };
                    let mut w = [fill; 8];
                    w[..n].copy_from_slice(b);
                    Value::Int(i64::from_le_bytes(w))
                } else {
                    Value::Long(b.into())
                };
                self.stack.push(v)
            }
            b'G' => {
                let v = f64::from_be_bytes(self.take(8)?.try_into().expect("8"));
                self.stack.push(Value::Float(v))
            }
            b'X' => {
                let n = self.u32()?;
                self.text(n as u64)?
            }
            0x8c => {
                let n = self.u8()?;
                self.text(n as u64)?
            }
            0x8d => {
                let n = self.u64()?;
                self.text(n)?
            }
            // Python 2 strings (legacy files): kept as text when they are.
            b'T' => {
                let n = self.u32()?;
                self.text(n as u64)?
            }
            b'U' => {
                let n = self.u8()?;
                self.text(n as u64)?
            }
            b'B' => {
                let n = self.u32()?;
                self.bytes(n as u64)?
            }
            b'C' => {
                let n = self.u8()?;
                self.bytes(n as u64)?
            }
            0x8e => {
                let n = self.u64()?;
                self.bytes(n)?
            }
            b'}' => self.push_node(Node::Dict(vec![])),
            b']' => self.push_node(Node::List(vec![])),
            b')' => self.push_node(Node::Tuple(vec![])),
            b't' => {
                let items = self.pop_mark()?;
                self.push_node(Node::Tuple(items))
            }
            b'l' => {
                let items = self.pop_mark()?;
                self.push_node(Node::List(items))
            }
            b'd' => {
                let items = self.pop_mark()?;
                self.push_node(Node::Dict(vec![]));
                self.set_items(items)?
            }
            0x85 => self.tuple(1)?,
            0x86 => self.tuple(2)?,
            0x87 => self.tuple(3)?,
            b'q' => {
                let k = self.u8()?;
                self.memo_put(k as u32)?
            }
            b'r' => {
                let k = self.u32()?;
                self.memo_put(k)?
            }
            0x94 => {
                let k = self.memo.len() as u32;
                self.memo_put(k)?
            }
            b'h' => {
                let k = self.u8()?;
                self.memo_get(k as u32)?
            }
            b'j' => {
                let k = self.u32()?;
                self.memo_get(k)?
            }
            b'c' => {
                let module = self.line()?;
                let name = self.line()?;
                self.global(module, name)?
            }
            0x93 => {
                let name = self.pop()?;
                let module = self.pop()?;
                match (module, name) {
                    (Value::Str(m), Value::Str(n)) => self.global(&m, &n)?,
                    _ => return Err(self.refuse("STACK_GLOBAL of names that are not text")),
                }
            }
            b'Q' => {
                let pid = self.pop()?;
                self.push_node(Node::Persistent(pid))
            }
            b'R' => self.reduce()?,
            b's' => {
                let v = self.pop()?;
                let k = self.pop()?;
                self.set_items(vec![k, v])?
            }
            b'u' => {
                let items = self.pop_mark()?;
                self.set_items(items)?
            }
            b'a' => {
                let v = self.pop()?;
                self.extend(vec![v])?
            }
            b'e' => {
                let items = self.pop_mark()?;
                self.extend(items)?
            }
            b'b' => {
                // State for an OrderedDict (its _metadata) or a tensor: not needed, dropped.
                self.pop()?;
                let i = self.top_container("BUILD")?;
                if !matches!(self.nodes[i], Node::Dict(_) | Node::Tensor { .. }) {
                    return Err(self.refuse("BUILD of an object that is not a dict or a tensor"));
                }
            }
            b'0' => {
                self.pop()?;
            }
            b'1' => {
                self.pop_mark()?;
            }
            b'2' => {
                let v = self
                    .stack
                    .last()
                    .cloned()
                    .ok_or_else(|| self.refuse("DUP of an empty stack"))?;
                self.stack.push(v)
            }
            other => {
                self.at -= 1;
                return Err(self.refuse(format!(
                    "opcode {:?} (0x{other:02x}) is outside what torch.save writes",
                    other as char
                )));
            }
        }
        Ok(false)
    }
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
