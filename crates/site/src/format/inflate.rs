//! A deflated table inflated piece by piece as it downloads: the zlib stream a site stores where
//! it is smaller than the table's LZ4 stream, never inflated past the size the manifest gives.

use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

/// Bytes inflated per call: enough that a call does real work, little enough to hold at once
/// beside a phone's tab.
const PIECE: usize = 64 << 10;

/// A zlib stream (RFC 1950, its Adler-32 checked) being inflated.
pub(crate) struct Inflater {
    state: Box<InflateState>,
    out: Vec<u8>,
    /// What the manifest says the stream inflates to.
    size: u64,
    produced: u64,
    ended: bool,
}

impl Inflater {
    /// Starts inflating a stream the manifest says inflates to `size` bytes.
    pub(crate) fn new(size: u64) -> Self {
        Self {
            state: InflateState::new_boxed(DataFormat::Zlib),
            out: vec![0; PIECE],
            size,
            produced: 0,
            ended: false,
        }
    }

    /// Inflates the next piece of the stream, handing `sink` what it inflates to, in order.
    pub(crate) fn push(
        &mut self,
        mut input: &[u8],
        mut sink: impl FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        loop {
            if self.ended {
                return match input.is_empty() {
                    true => Ok(()),
                    false => Err("bytes after the end of its zlib stream".into()),
                };
            }
            let r = inflate(&mut self.state, input, &mut self.out, MZFlush::None);
            input = &input[r.bytes_consumed..];
            if r.bytes_written > 0 {
                self.produced += r.bytes_written as u64;
                if self.produced > self.size {
                    return Err(format!(
                        "it inflates past the {} bytes the manifest says",
                        self.size
                    ));
                }
                sink(&self.out[..r.bytes_written])?;
            }
            match r.status {
                Ok(MZStatus::StreamEnd) => self.ended = true,
                Ok(MZStatus::Ok) | Err(MZError::Buf) => {}
                Ok(MZStatus::NeedDict) => return Err("its zlib stream needs a dictionary".into()),
                Err(e) => return Err(format!("not a zlib stream ({e:?})")),
            }
            if r.bytes_consumed == 0 && r.bytes_written == 0 && !self.ended {
                // Everything given is inflated; the rest of the stream is still to come.
                return Ok(());
            }
        }
    }

    /// Checks the stream ended where it should: complete, and the size the manifest says.
    pub(crate) fn finish(&self) -> Result<(), String> {
        if !self.ended {
            return Err("its zlib stream ends early".into());
        }
        if self.produced != self.size {
            return Err(format!(
                "it inflates to {} bytes, the manifest says {}",
                self.produced, self.size
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflated(z: &[u8], size: u64, piece: usize) -> Result<Vec<u8>, String> {
        let mut f = Inflater::new(size);
        let mut out = Vec::new();
        for p in z.chunks(piece.max(1)) {
            f.push(p, |b| {
                out.extend_from_slice(b);
                Ok(())
            })?;
        }
        f.finish().map(|()| out)
    }

    #[test]
    fn a_stream_inflates_whole_in_any_pieces_and_nothing_else_does() {
        // More than one output piece, and compressible: several calls per input piece.
        let raw: Vec<u8> = (0..300_000u32).map(|i| (i / 7 % 251) as u8).collect();
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 9);
        for piece in [1, 100, 4096, z.len()] {
            assert_eq!(inflated(&z, raw.len() as u64, piece).unwrap(), raw);
        }
        let short = inflated(&z[..z.len() - 1], raw.len() as u64, 999).unwrap_err();
        assert!(short.contains("ends early"), "{short}");
        let small = inflated(&z, raw.len() as u64 - 1, 999).unwrap_err();
        assert!(small.contains("past the"), "{small}");
        let large = inflated(&z, raw.len() as u64 + 1, 999).unwrap_err();
        assert!(large.contains("the manifest says"), "{large}");
        let mut longer = z.clone();
        longer.push(0);
        let after = inflated(&longer, raw.len() as u64, 999).unwrap_err();
        assert!(after.contains("after the end"), "{after}");
        // The Adler-32 at the end is checked: a flipped byte in it is caught.
        let mut bad = z.clone();
        *bad.last_mut().unwrap() ^= 1;
        let e = inflated(&bad, raw.len() as u64, 999).unwrap_err();
        assert!(e.contains("not a zlib stream"), "{e}");
        let raw_ipc = inflated(&[0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0], 8, 8).unwrap_err();
        assert!(raw_ipc.contains("not a zlib stream"), "{raw_ipc}");
    }
}
