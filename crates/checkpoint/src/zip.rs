//! The zip container of `torch.save` (PyTorch 1.6 and later): entries stored uncompressed, each
//! at a known place, so a tensor's storage is a range of the file. Only what torch writes is
//! read: the central directory (zip64 too), stored entries; a compressed or encrypted entry is
//! refused by name.

use crate::error::{malformed, truncated, CheckpointError};

/// One entry: its name and where its bytes lie in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub name: String,
    pub start: usize,
    pub len: usize,
    /// 0: stored; anything else cannot be read in place.
    pub method: u16,
}

pub(crate) fn looks_like(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Where the central directory is and how many entries it holds.
fn directory(b: &[u8]) -> Result<(usize, usize), CheckpointError> {
    // The end record is in the last 64 KB + 22 bytes (its comment is at most 64 KB).
    let from = b.len().saturating_sub(22 + 0xffff);
    let eocd = (from..b.len().saturating_sub(21))
        .rev()
        .find(|&i| b[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(|| truncated("no zip end-of-directory record (the file was cut short?)"))?;
    let count = u16_at(b, eocd + 10).expect("in the record") as u64;
    let offset = u32_at(b, eocd + 16).expect("in the record") as u64;
    let (count, offset) = if count == 0xffff || offset == 0xffff_ffff {
        // zip64: the locator just before the end record points at the zip64 end record.
        let loc = eocd
            .checked_sub(20)
            .filter(|&l| b[l..].starts_with(b"PK\x06\x07"))
            .ok_or_else(|| malformed("zip64 sizes without a zip64 locator"))?;
        let rec = u64_at(b, loc + 8).expect("in the locator") as usize;
        if !b.get(rec..).is_some_and(|r| r.starts_with(b"PK\x06\x06")) {
            return Err(malformed(format!("no zip64 end record at byte {rec}")));
        }
        let count = u64_at(b, rec + 32).ok_or_else(|| truncated("zip64 end record"))?;
        let offset = u64_at(b, rec + 48).ok_or_else(|| truncated("zip64 end record"))?;
        (count, offset)
    } else {
        (count, offset)
    };
    // Each entry takes 46 bytes at least: a count the file cannot hold is a lie.
    if offset as usize > b.len() || count > (b.len() as u64) / 46 {
        return Err(malformed(format!(
            "a zip directory of {count} entries at byte {offset}, beyond the file"
        )));
    }
    Ok((offset as usize, count as usize))
}

/// Sizes and offset from a central entry's zip64 extra field, where the 32-bit ones are full.
fn zip64(extra: &[u8], mut want: [Option<&mut u64>; 3]) {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = u16_at(extra, at).expect("checked");
        let size = u16_at(extra, at + 2).expect("checked") as usize;
        if id == 1 {
            let mut p = at + 4;
            for w in want.iter_mut().flatten() {
                if let Some(v) = u64_at(extra, p) {
                    **w = v;
                }
                p += 8;
            }
            return;
        }
        at += 4 + size;
    }
}

/// Every entry of the archive.
pub(crate) fn entries(b: &[u8]) -> Result<Vec<Entry>, CheckpointError> {
    let (mut at, count) = directory(b)?;
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let cut = || truncated(format!("zip directory entry {k} at byte {at}"));
        if !b.get(at..).is_some_and(|r| r.starts_with(b"PK\x01\x02")) {
            return Err(malformed(format!(
                "no zip directory entry {k} at byte {at}"
            )));
        }
        let flags = u16_at(b, at + 8).ok_or_else(cut)?;
        let method = u16_at(b, at + 10).ok_or_else(cut)?;
        let mut csize = u32_at(b, at + 20).ok_or_else(cut)? as u64;
        let mut usize_ = u32_at(b, at + 24).ok_or_else(cut)? as u64;
        let name_len = u16_at(b, at + 28).ok_or_else(cut)? as usize;
        let extra_len = u16_at(b, at + 30).ok_or_else(cut)? as usize;
        let comment_len = u16_at(b, at + 32).ok_or_else(cut)? as usize;
        let mut local = u32_at(b, at + 42).ok_or_else(cut)? as u64;
        let name = b.get(at + 46..at + 46 + name_len).ok_or_else(cut)?;
        let name = String::from_utf8_lossy(name).into_owned();
        let extra = b
            .get(at + 46 + name_len..at + 46 + name_len + extra_len)
            .ok_or_else(cut)?;
        zip64(
            extra,
            [
                (usize_ == 0xffff_ffff).then_some(&mut usize_),
                (csize == 0xffff_ffff).then_some(&mut csize),
                (local == 0xffff_ffff).then_some(&mut local),
            ],
        );
        if flags & 1 != 0 {
            return Err(malformed(format!("zip entry {name:?} is encrypted")));
        }
        // The data follows the local header, whose extra field (torch's alignment padding) may
        // differ from the central one.
        let l = local as usize;
        if !b.get(l..).is_some_and(|r| r.starts_with(b"PK\x03\x04")) {
            return Err(malformed(format!(
                "zip entry {name:?}: no local header at byte {local}"
            )));
        }
        let lname = u16_at(b, l + 26).ok_or_else(cut)? as usize;
        let lextra = u16_at(b, l + 28).ok_or_else(cut)? as usize;
        let start = l + 30 + lname + lextra;
        let end = start as u64 + csize;
        if end > b.len() as u64 {
            return Err(truncated(format!(
                "zip entry {name:?} ends at byte {end}, the file at {}",
                b.len()
            )));
        }
        if method == 0 && csize != usize_ {
            return Err(malformed(format!(
                "zip entry {name:?}: stored, yet {csize} bytes packed and {usize_} unpacked"
            )));
        }
        out.push(Entry {
            name,
            start,
            len: csize as usize,
            method,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// A stored-entry zip of `(name, bytes)` with torch's 64-byte data alignment (tests).
#[cfg(test)]
pub fn write(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = vec![];
    let mut central = vec![];
    for (name, data) in files {
        let local = out.len() as u32;
        let pad = (64 - (out.len() + 30 + name.len() + 4) % 64) % 64;
        out.extend(b"PK\x03\x04");
        out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(((pad + 4) as u16).to_le_bytes());
        out.extend(name.as_bytes());
        out.extend([0xf5, 0x4b]);
        out.extend((pad as u16).to_le_bytes());
        out.extend(vec![b'Z'; pad]);
        out.extend(*data);
        central.extend(b"PK\x01\x02");
        central.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend((data.len() as u32).to_le_bytes());
        central.extend((data.len() as u32).to_le_bytes());
        central.extend((name.len() as u16).to_le_bytes());
        central.extend([0u8; 12]);
        central.extend(local.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let dir_at = out.len() as u32;
    let dir_len = central.len() as u32;
    out.extend(central);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((files.len() as u16).to_le_bytes());
    out.extend((files.len() as u16).to_le_bytes());
    out.extend(dir_len.to_le_bytes());
    out.extend(dir_at.to_le_bytes());
    out.extend([0u8; 2]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_in_place() {
        let z = write(&[("a/data.pkl", b"pickle"), ("a/data/0", &[1, 2, 3, 4])]);
        let e = entries(&z).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(&z[e[0].start..e[0].start + e[0].len], b"pickle");
        assert_eq!(e[1].start % 64, 0);
        assert_eq!(&z[e[1].start..e[1].start + 4], [1, 2, 3, 4]);
    }

    #[test]
    fn cut_or_forged_archives_are_refused() {
        let z = write(&[("a/data.pkl", b"pickle")]);
        assert!(matches!(
            entries(&z[..z.len() - 3]),
            Err(CheckpointError::Truncated(_))
        ));
        let mut lie = z.clone();
        let n = lie.len();
        lie[n - 12..n - 10].copy_from_slice(&500u16.to_le_bytes());
        assert!(entries(&lie).is_err());
    }
}
