//! What a pickle is made of: plain values, containers in the arena, and the few globals a torch
//! checkpoint may name.

use std::rc::Rc;

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

/// Functions and classes a torch checkpoint names that this reader understands: tensor and
/// parameter rebuilds, storages' types, ordered dicts, torch's encoding of bytes.
pub(super) fn allowed(module: &str, name: &str) -> bool {
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
