//! PyTorch's `torch.save` files, both layouts. Since 1.6 a zip: `<name>/data.pkl` is the pickle
//! of the saved object and `<name>/data/<key>` each storage's raw bytes. Before 1.6 (and still
//! with `_use_new_zipfile_serialization=False`) a row of pickles: a magic number, the format
//! version, the writer's byte order, the object, the list of storage keys; then each storage as
//! an 8-byte element count and its bytes. Either way the object's tensors refer to storages by
//! a persistent id, `('storage', <type>, key, location, count[, view])`, resolved here to byte
//! ranges of the file.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{malformed, truncated, CheckpointError};
use crate::pickle::{self, Node, Pickle, Value};
use crate::tensor::{DType, Place, Tensor};
use crate::zip;

/// The first pickle of a legacy file: protocol 2, then LONG1 of the magic number
/// 0x1950a86a20f9469cfc6c.
const LEGACY_MAGIC: &[u8] = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";

pub(crate) fn looks_legacy(bytes: &[u8]) -> bool {
    bytes.starts_with(LEGACY_MAGIC)
}

/// A storage's bytes: its type and where it lies.
#[derive(Debug, Clone)]
struct Storage {
    dtype: DType,
    start: usize,
    len: usize,
}

fn dtype_of(storage_type: &str) -> DType {
    match storage_type {
        "FloatStorage" => DType::F32,
        "HalfStorage" => DType::F16,
        "BFloat16Storage" => DType::BF16,
        "DoubleStorage" => DType::F64,
        other => DType::Other(other.trim_end_matches("Storage").to_string()),
    }
}

/// A state_dict's entries, by name.
type Entries = Vec<(Rc<str>, Value)>;
/// Entries that are not tensors: (name, what they are).
type Others = Vec<(String, String)>;

/// What a persistent id refers to: a storage's type and key, and where a (legacy) view into it
/// starts, in elements.
struct StorageRef {
    dtype: DType,
    key: Rc<str>,
    view_offset: usize,
}

/// The parts of a persistent id.
fn persistent(p: &Pickle, pid: &Value) -> Result<StorageRef, CheckpointError> {
    let bad = || malformed("a tensor's storage reference is not ('storage', type, key, ...)");
    let Some(Node::Tuple(t)) = p.node(pid) else {
        return Err(bad());
    };
    let (Some(Value::Str(tag)), Some(ty), Some(Value::Str(key))) = (t.first(), t.get(1), t.get(2))
    else {
        return Err(bad());
    };
    if &**tag != "storage" {
        return Err(bad());
    }
    let Some(Node::Global(_, name)) = p.node(ty) else {
        return Err(bad());
    };
    let view_offset = match t.get(5).and_then(|v| p.node(v)) {
        Some(Node::Tuple(v)) => match (v.first(), v.get(1)) {
            (Some(Value::Str(_)), Some(Value::Int(off))) => {
                usize::try_from(*off).map_err(|_| bad())?
            }
            _ => return Err(bad()),
        },
        _ => 0,
    };
    Ok(StorageRef {
        dtype: dtype_of(name),
        key: key.clone(),
        view_offset,
    })
}

/// Every tensor of the dict `entries`, and the entries that are not tensors (name, what).
fn tensors_of(
    p: &Pickle,
    entries: &Entries,
    storage: &dyn Fn(&DType, &str) -> Result<Storage, CheckpointError>,
    big_endian: bool,
) -> Result<(Vec<Tensor>, Others), CheckpointError> {
    let mut tensors = vec![];
    let mut other = vec![];
    for (name, v) in entries {
        let Some(Node::Tensor {
            storage: s,
            offset,
            size,
            stride,
        }) = p.node(v)
        else {
            other.push((name.to_string(), kind(p, v).to_string()));
            continue;
        };
        let bad = |why: &str| malformed(format!("tensor {name:?}: {why}"));
        let Some(Node::Persistent(pid)) = p.node(s) else {
            return Err(bad("its storage is not a reference to stored bytes"));
        };
        let r = persistent(p, pid)?;
        let st = storage(&r.dtype, &r.key)?;
        let Value::Int(offset) = offset else {
            return Err(bad("its storage offset is not an integer"));
        };
        let offset = usize::try_from(*offset).map_err(|_| bad("a negative storage offset"))?;
        let shape = p
            .ints(size)
            .ok_or_else(|| bad("its size is not a tuple of integers"))?;
        let strides = p
            .ints(stride)
            .ok_or_else(|| bad("its stride is not a tuple of integers"))?;
        let offset = offset
            .checked_add(r.view_offset)
            .ok_or_else(|| bad("its offset overflows"))?;
        tensors.push(Tensor {
            name: name.to_string(),
            dtype: st.dtype,
            shape,
            place: Place {
                start: st.start,
                len: st.len,
                offset,
                strides,
                big_endian,
            },
        });
    }
    Ok((tensors, other))
}

fn kind(p: &Pickle, v: &Value) -> &'static str {
    match v {
        Value::None => "None",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Long(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a text",
        Value::Bytes(_) => "bytes",
        Value::Node(_) => match p.node(v) {
            Some(Node::Dict(_)) => "a dict",
            Some(Node::List(_)) => "a list",
            Some(Node::Tuple(_)) => "a tuple",
            _ => "an object",
        },
    }
}

/// Keys under which checkpoints keep their weights, in the order they are preferred (the
/// trained weights before an EMA copy).
pub const STATE_DICT_KEYS: [&str; 10] = [
    "state_dict",
    "model_state_dict",
    "model",
    "net",
    "network",
    "module",
    "ema",
    "model_ema",
    "state_dict_ema",
    "params",
];

fn holds_tensors(p: &Pickle, v: &Value) -> bool {
    p.dict(v).is_some_and(|d| {
        d.iter()
            .any(|(_, x)| matches!(p.node(x), Some(Node::Tensor { .. })))
    })
}

/// The state_dict the pickle holds: the object itself, or the entry of a checkpoint dict that
/// holds one (and its key).
fn state_dict(p: &Pickle) -> Result<(Option<String>, Entries), CheckpointError> {
    let root = p.dict(&p.root).ok_or_else(|| {
        CheckpointError::NoTensors(format!(
            "the file holds {}, not a dict of tensors",
            kind(p, &p.root)
        ))
    })?;
    if holds_tensors(p, &p.root) {
        return Ok((None, root));
    }
    let find = |k: &str| root.iter().find(|(n, _)| &**n == k).map(|(_, v)| v);
    for k in STATE_DICT_KEYS {
        if let Some(v) = find(k).filter(|v| holds_tensors(p, v)) {
            return Ok((Some(k.to_string()), p.dict(v).expect("a dict")));
        }
    }
    let holding: Vec<&(Rc<str>, Value)> =
        root.iter().filter(|(_, v)| holds_tensors(p, v)).collect();
    if let [(k, v)] = holding[..] {
        return Ok((Some(k.to_string()), p.dict(v).expect("a dict")));
    }
    let keys: Vec<String> = root
        .iter()
        .take(20)
        .map(|(k, _)| format!("{k:?}"))
        .collect();
    Err(CheckpointError::NoTensors(format!(
        "no state_dict in it: a dict of {} entries ({}) of which {} hold tensors",
        root.len(),
        keys.join(", "),
        holding.len()
    )))
}

/// What a torch file holds: the state_dict key used, its tensors (file order), other entries.
pub(crate) type Contents = (Option<String>, Vec<Tensor>, Others);

/// A zip `torch.save` file.
pub(crate) fn read_zip(bytes: &[u8]) -> Result<Contents, CheckpointError> {
    let entries = zip::entries(bytes)?;
    let pkl = entries
        .iter()
        .find(|e| e.name.ends_with("data.pkl") && e.name.matches('/').count() <= 1)
        .ok_or_else(|| CheckpointError::Unknown("a zip archive without data.pkl".into()))?;
    let prefix = &pkl.name[..pkl.name.len() - "data.pkl".len()];
    let by_name: HashMap<&str, &zip::Entry> =
        entries.iter().map(|e| (e.name.as_str(), e)).collect();
    let stored = |e: &zip::Entry| -> Result<(), CheckpointError> {
        if e.method != 0 {
            return Err(malformed(format!(
                "zip entry {:?} is compressed (method {}); torch.save stores entries as they are",
                e.name, e.method
            )));
        }
        Ok(())
    };
    stored(pkl)?;
    let big_endian = by_name
        .get(format!("{prefix}byteorder").as_str())
        .is_some_and(|e| bytes[e.start..e.start + e.len].starts_with(b"big"));
    let p = pickle::read(&bytes[pkl.start..pkl.start + pkl.len])
        .map_err(|e| prefix_err(e, &pkl.name))?;
    let (key, entries) = state_dict(&p)?;
    let storage = |dtype: &DType, key: &str| -> Result<Storage, CheckpointError> {
        let name = format!("{prefix}data/{key}");
        let e = by_name
            .get(name.as_str())
            .ok_or_else(|| malformed(format!("storage {key:?}: no zip entry {name:?}")))?;
        stored(e)?;
        Ok(Storage {
            dtype: dtype.clone(),
            start: e.start,
            len: dtype.size().map_or(0, |s| e.len / s),
        })
    };
    let (tensors, other) = tensors_of(&p, &entries, &storage, big_endian)?;
    Ok((key, tensors, other))
}

fn prefix_err(e: CheckpointError, entry: &str) -> CheckpointError {
    match e {
        CheckpointError::Refused(m) => CheckpointError::Refused(format!("{entry}: {m}")),
        CheckpointError::Truncated(m) => CheckpointError::Truncated(format!("{entry}: {m}")),
        CheckpointError::Malformed(m) => CheckpointError::Malformed(format!("{entry}: {m}")),
        other => other,
    }
}

/// A legacy file's storages, one after another from byte `at` (each its element count, then its
/// elements), in the order of `keys`; `types` says each one's element type.
fn legacy_storages(
    bytes: &[u8],
    mut at: usize,
    keys: &[Value],
    types: &HashMap<Rc<str>, DType>,
    big_endian: bool,
) -> Result<HashMap<Rc<str>, Storage>, CheckpointError> {
    let mut storages: HashMap<Rc<str>, Storage> = HashMap::new();
    for k in keys {
        let Value::Str(k) = k else {
            return Err(malformed("a storage key that is not text"));
        };
        let count = bytes.get(at..at + 8).ok_or_else(|| {
            truncated(format!("storage {k:?}: its length at byte {at} is missing"))
        })?;
        let count = u64::from_le_bytes(count.try_into().expect("8"));
        let count = if big_endian {
            count.swap_bytes()
        } else {
            count
        };
        at += 8;
        // A storage no tensor of the state_dict uses (optimizer state, say): its element size
        // is unknown, so the rest of the file cannot be placed; it is not needed either.
        let Some(dtype) = types.get(k) else { break };
        let size = dtype.size().unwrap_or(match dtype {
            DType::Other(s) if s == "Long" => 8,
            DType::Other(s) if s == "Int" => 4,
            DType::Other(s) if s == "Short" => 2,
            _ => 1,
        });
        let len = usize::try_from(count).map_err(|_| malformed("a storage too large"))?;
        let end = len
            .checked_mul(size)
            .and_then(|n| n.checked_add(at))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                truncated(format!(
                    "storage {k:?}: {count} elements from byte {at} run past the end ({} bytes)",
                    bytes.len()
                ))
            })?;
        storages.insert(
            k.clone(),
            Storage {
                dtype: dtype.clone(),
                start: at,
                len: dtype.size().map_or(0, |_| len),
            },
        );
        at = end;
    }
    Ok(storages)
}

/// A legacy (pre-1.6) `torch.save` file.
pub(crate) fn read_legacy(bytes: &[u8]) -> Result<Contents, CheckpointError> {
    let mut at = 0;
    let mut next = |what: &str| -> Result<Pickle, CheckpointError> {
        let p = pickle::read(&bytes[at..]).map_err(|e| match e {
            CheckpointError::Refused(m)
            | CheckpointError::Malformed(m)
            | CheckpointError::Truncated(m) => malformed(format!("{what} (from byte {at}): {m}")),
            other => other,
        })?;
        at += p.len;
        Ok(p)
    };
    next("the magic number")?;
    let version = next("the format version")?;
    if version.root != Value::Int(1001) {
        return Err(malformed(format!(
            "format version {:?}, not 1001",
            version.root
        )));
    }
    let info = next("the writer's system info")?;
    let big_endian = info.dict(&info.root).is_some_and(|d| {
        d.iter()
            .any(|(k, v)| &**k == "little_endian" && *v == Value::Bool(false))
    });
    let p = next("the saved object")?;
    let keys = next("the storage keys")?;
    let Some(Node::List(keys)) = keys.node(&keys.root) else {
        return Err(malformed("the storage keys are not a list"));
    };
    // Each storage's type comes from the references to it anywhere in the object.
    let (key, entries) = state_dict(&p)?;
    let mut types: HashMap<Rc<str>, DType> = HashMap::new();
    for n in &p.nodes {
        if let Node::Persistent(pid) = n {
            let r = persistent(&p, pid)?;
            types.insert(r.key, r.dtype);
        }
    }
    let storages = legacy_storages(bytes, at, keys, &types, big_endian)?;
    let storage = |dtype: &DType, key: &str| -> Result<Storage, CheckpointError> {
        let s = storages
            .get(key)
            .ok_or_else(|| malformed(format!("storage {key:?} is not in the file")))?;
        if &s.dtype != dtype {
            return Err(malformed(format!("storage {key:?} is read as two types")));
        }
        Ok(s.clone())
    };
    let (tensors, other) = tensors_of(&p, &entries, &storage, big_endian)?;
    Ok((key, tensors, other))
}
