//! The pickle machine: opcodes read one at a time onto a stack of values, containers built in
//! the arena, globals checked against [`super::allowed`] before they are recorded.

use std::collections::HashMap;

use super::value::{allowed, Node, Value};
use crate::error::{truncated, CheckpointError};

pub(super) struct Reader<'a> {
    pub(super) b: &'a [u8],
    pub(super) at: usize,
    pub(super) nodes: Vec<Node>,
    pub(super) stack: Vec<Value>,
    pub(super) marks: Vec<usize>,
    pub(super) memo: HashMap<u32, Value>,
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
    pub(super) fn u8(&mut self) -> Result<u8, CheckpointError> {
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
    pub(super) fn refuse(&self, why: impl std::fmt::Display) -> CheckpointError {
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

    // One function: one arm per opcode of the subset, the pickle machine read top to bottom;
    // the arms that do more than push call the helpers above.
    pub(super) fn step(&mut self, op: u8) -> Result<bool, CheckpointError> {
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
