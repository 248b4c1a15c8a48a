//! What an Arrow IPC stream claims, checked before the decoder believes it. A compressed buffer
//! starts with its uncompressed length, which arrow-ipc allocates as it stands: eight forged bytes
//! could ask for exabytes. So the stream is cut into its messages here, and each is passed on
//! only once it is whole and its claims are bounded by the bytes that back them: a message body
//! no longer than what is left of the file, buffers inside their body, and no buffer claiming to
//! inflate beyond what LZ4 can inflate its bytes to. And only the column types a site uses are
//! accepted, each buffer's length a whole number of its values (arrow-ipc panics on an offsets
//! buffer of 7 bytes rather than refusing it; fuzzing found it).

use arrow_ipc::{root_as_message, Field, Precision, RecordBatch as IpcBatch, Type};

/// What precedes each message's length in the IPC format since Arrow 0.15.
const CONTINUATION_MARKER: [u8; 4] = [0xff; 4];

/// An LZ4 sequence of a few bytes can stand for at most about 255 bytes of output: a claim
/// above this ratio (plus a frame's slack) is a lie.
const LZ4_MAX_RATIO: u64 = 256;
const LZ4_SLACK: u64 = 1024;

/// Cuts a stream into whole, checked messages.
#[derive(Default)]
pub(crate) struct MessageGuard {
    /// The bytes of the message not yet whole.
    pending: Vec<u8>,
    /// Bytes of the stream passed on (whole messages).
    passed: u64,
    /// The end-of-stream marker was seen.
    ended: bool,
    /// What a record batch holds, from the schema.
    batch: Option<Layout>,
    /// The same for each dictionary batch, by dictionary id.
    dictionaries: Vec<(i64, Layout)>,
}

/// The nodes and buffers of a batch, in the order the IPC format lists them.
#[derive(Default)]
struct Layout {
    /// Each node: Some(list size) for a fixed-size list, whose values node follows.
    nodes: Vec<Option<u64>>,
    /// Each buffer's value width (None: a validity bitmap, booleans or string bytes).
    buffers: Vec<Option<usize>>,
}

impl MessageGuard {
    /// Takes `bytes` of a stream of `total` bytes; returns the whole messages they complete, or
    /// what is wrong.
    pub(crate) fn push(&mut self, bytes: &[u8], total: u64) -> Result<Vec<Vec<u8>>, String> {
        self.pending.extend_from_slice(bytes);
        let mut out = vec![];
        while let Some(len) = self.next_message(total)? {
            let rest = self.pending.split_off(len);
            out.push(std::mem::replace(&mut self.pending, rest));
            self.passed += len as u64;
        }
        Ok(out)
    }

    /// The length of the first whole message in `pending`, once it is there and checked.
    fn next_message(&mut self, total: u64) -> Result<Option<usize>, String> {
        let p = &self.pending;
        if self.ended {
            return if p.is_empty() {
                Ok(None)
            } else {
                Err("bytes after the end of the stream".into())
            };
        }
        if p.len() < 8 {
            return Ok(None);
        }
        // The 4-byte continuation marker, then the metadata's length (older writers: no marker).
        let (prefix, meta_len) = if p[..4] == CONTINUATION_MARKER {
            (8, i32::from_le_bytes([p[4], p[5], p[6], p[7]]))
        } else {
            (4, i32::from_le_bytes([p[0], p[1], p[2], p[3]]))
        };
        let meta_len =
            usize::try_from(meta_len).map_err(|_| format!("a message of {meta_len} bytes"))?;
        if meta_len == 0 {
            self.ended = true;
            return Ok(Some(prefix));
        }
        let left = total.saturating_sub(self.passed);
        if (prefix + meta_len) as u64 > left {
            return Err(format!(
                "a message header of {meta_len} bytes where {left} are left"
            ));
        }
        if p.len() < prefix + meta_len {
            return Ok(None);
        }
        let message = root_as_message(&p[prefix..prefix + meta_len])
            .map_err(|e| format!("a message header that does not parse ({e})"))?;
        let body = message.bodyLength();
        let head = (prefix + meta_len) as u64;
        if body < 0 || body as u64 > left - head {
            return Err(format!(
                "a message body of {body} bytes where {} are left",
                left - head
            ));
        }
        let end = prefix + meta_len + body as usize;
        if p.len() < end {
            return Ok(None);
        }
        let body = &p[prefix + meta_len..end];
        if let Some(schema) = message.header_as_schema() {
            let mut batch = Layout::default();
            let mut dictionaries = vec![];
            for f in schema.fields().iter().flatten() {
                layout(&f, &mut batch, &mut dictionaries)?;
            }
            self.batch = Some(batch);
            self.dictionaries = dictionaries;
        } else if let Some(b) = message.header_as_record_batch() {
            let layout = self
                .batch
                .as_ref()
                .ok_or("a record batch before the schema")?;
            check_batch(&b, body, layout)?;
        } else if let Some(d) = message.header_as_dictionary_batch() {
            let layout = self
                .dictionaries
                .iter()
                .find(|(id, _)| *id == d.id())
                .map(|(_, w)| w)
                .ok_or_else(|| format!("a dictionary {} the schema does not name", d.id()))?;
            let b = d.data().ok_or("a dictionary batch without data")?;
            check_batch(&b, body, layout)?;
        } else {
            return Err("a message that is not a schema, record batch or dictionary".into());
        }
        Ok(Some(end))
    }

    /// Whether the stream ended with nothing left over.
    pub(crate) fn finished(&self) -> bool {
        self.pending.is_empty()
    }
}

/// The nodes and buffers a field takes in a record batch; a dictionary-encoded field's values go
/// to `dictionaries`. Only the types sites are written with are accepted.
fn layout(
    f: &Field<'_>,
    out: &mut Layout,
    dictionaries: &mut Vec<(i64, Layout)>,
) -> Result<(), String> {
    let int_width = |bits: i32| match bits {
        8 | 16 | 32 | 64 => Ok(bits as usize / 8),
        b => Err(format!("an integer column of {b} bits")),
    };
    let mut values = Layout::default();
    values.nodes.push(None);
    match f.type_type() {
        Type::Int => {
            let bits = f.type_as_int().map(|t| t.bitWidth()).unwrap_or(0);
            values.buffers.extend([None, Some(int_width(bits)?)]);
        }
        Type::FloatingPoint => {
            let width = match f.type_as_floating_point().map(|t| t.precision()) {
                Some(Precision::HALF) => 2,
                Some(Precision::SINGLE) => 4,
                _ => 8,
            };
            values.buffers.extend([None, Some(width)]);
        }
        Type::Bool => values.buffers.extend([None, None]),
        Type::Utf8 => values.buffers.extend([None, Some(4), None]),
        Type::FixedSizeList => {
            let size = f
                .type_as_fixed_size_list()
                .map(|t| t.listSize())
                .unwrap_or(-1);
            values.nodes[0] =
                Some(u64::try_from(size).map_err(|_| format!("a list size of {size}"))?);
            values.buffers.push(None);
            let children = f.children().ok_or("a list column without its values")?;
            if children.len() != 1 {
                return Err(format!("a list column of {} children", children.len()));
            }
            let mut nested = vec![];
            layout(&children.get(0), &mut values, &mut nested)?;
            if !nested.is_empty() {
                return Err("a dictionary inside a list column".into());
            }
        }
        t => return Err(format!("a column of type {t:?}, which no site has")),
    }
    match f.dictionary() {
        Some(d) => {
            let bits = d.indexType().map(|t| t.bitWidth()).unwrap_or(32);
            out.nodes.push(None);
            out.buffers.extend([None, Some(int_width(bits)?)]);
            dictionaries.push((d.id(), values));
        }
        None => {
            out.nodes.extend(values.nodes);
            out.buffers.extend(values.buffers);
        }
    }
    Ok(())
}

/// Every buffer of a batch lies inside its body, a compressed one claims no more than its bytes
/// can inflate to, and each holds a whole number of its values; and no length (of the batch, of
/// a column, of a list's values) is more than the batch's bytes could hold.
fn check_batch(b: &IpcBatch<'_>, body: &[u8], layout: &Layout) -> Result<(), String> {
    let widths = &layout.buffers;
    let compressed = b.compression().is_some();
    let buffers: Vec<_> = b.buffers().iter().flatten().collect();
    if buffers.len() != widths.len() {
        return Err(format!(
            "{} buffers where the schema has {}",
            buffers.len(),
            widths.len()
        ));
    }
    let mut bytes = 0u64;
    for (k, (buf, width)) in buffers.iter().zip(widths).enumerate() {
        let (at, len) = (buf.offset(), buf.length());
        let inside =
            at >= 0 && len >= 0 && (at as u64).saturating_add(len as u64) <= body.len() as u64;
        if !inside {
            return Err(format!(
                "buffer {k} at {at} of {len} bytes outside its body of {}",
                body.len()
            ));
        }
        let mut values = len as u64;
        if compressed && len >= 8 {
            let at = at as usize;
            let claim = i64::from_le_bytes(body[at..at + 8].try_into().expect("8 bytes"));
            let room = (len as u64 - 8) * LZ4_MAX_RATIO + LZ4_SLACK;
            // -1: stored uncompressed.
            if claim < -1 || (claim > 0 && claim as u64 > room) {
                return Err(format!(
                    "buffer {k} claims {claim} bytes from {} compressed",
                    len - 8
                ));
            }
            values = if claim == -1 {
                len as u64 - 8
            } else {
                claim as u64
            };
        }
        if let Some(w) = width {
            if values % *w as u64 != 0 {
                return Err(format!(
                    "buffer {k} of {values} bytes holds no whole number of {w}-byte values"
                ));
            }
        }
        bytes = bytes.saturating_add(values);
    }
    // Every value takes at least a bit of some buffer.
    let most = bytes.saturating_mul(8).saturating_add(8);
    let nodes: Vec<_> = b.nodes().iter().flatten().collect();
    if nodes.len() != layout.nodes.len() {
        return Err(format!(
            "{} columns where the schema has {}",
            nodes.len(),
            layout.nodes.len()
        ));
    }
    let fits = |n: i64| u64::try_from(n).is_ok_and(|n| n <= most);
    if !fits(b.length()) {
        return Err(format!("{} rows in {bytes} bytes", b.length()));
    }
    for (k, (node, list)) in nodes.iter().zip(&layout.nodes).enumerate() {
        let len = node.length();
        let values = list.map_or(Some(0), |size| {
            u64::try_from(len).ok().and_then(|l| l.checked_mul(size))
        });
        if !fits(len) || values.is_none_or(|v| v > most) {
            return Err(format!("column {k} of {len} values in {bytes} bytes"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::ipc::write_stream;
    use arrow_array::{ArrayRef, Int64Array, RecordBatch};
    use std::sync::Arc;

    fn stream() -> Vec<u8> {
        let a: ArrayRef = Arc::new(Int64Array::from_iter_values(0..5000));
        write_stream(&[RecordBatch::try_from_iter([("v", a)]).unwrap()]).unwrap()
    }

    #[test]
    fn a_stream_passes_whole_in_any_pieces() {
        let s = stream();
        for piece in [1, 7, 100, s.len()] {
            let mut g = MessageGuard::default();
            let mut got = vec![];
            for c in s.chunks(piece) {
                got.extend(g.push(c, s.len() as u64).unwrap().concat());
            }
            assert_eq!(got, s, "pieces of {piece}");
            assert!(g.finished());
        }
    }

    #[test]
    fn a_forged_uncompressed_length_is_refused() {
        let mut s = stream();
        // The first compressed buffer's claim: find the batch body and make its claim huge.
        let mut g = MessageGuard::default();
        let schema_len = g.push(&s, s.len() as u64).unwrap()[0].len();
        let meta = i32::from_le_bytes(s[schema_len + 4..schema_len + 8].try_into().unwrap());
        let body = schema_len + 8 + meta as usize;
        s[body..body + 8].copy_from_slice(&(1i64 << 60).to_le_bytes());
        let e = MessageGuard::default()
            .push(&s, s.len() as u64)
            .unwrap_err();
        assert!(e.contains("claims 1152921504606846976 bytes"), "{e}");
    }

    #[test]
    fn a_body_longer_than_the_file_is_refused_before_it_is_waited_for() {
        let s = stream();
        // Announce the file as cut short: the batch's body no longer fits.
        let e = MessageGuard::default()
            .push(&s[..s.len() / 2], (s.len() / 2) as u64)
            .unwrap_err();
        assert!(e.contains("where"), "{e}");
    }
}
