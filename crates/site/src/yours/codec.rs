//! A measured model's bytes in a shared link: a versioned little binary (varints, zigzag bin
//! differences, f32 layer values), deflated and base64url-encoded; read back with every count
//! and range checked, so that a damaged or forged link is refused with its reason.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use filterscope_stats::{DEPTH_BUCKETS, N_BINS};

use crate::{LayerReport, YoursSketch};

/// Format of the encoded sketch (its first byte).
pub(super) const VERSION: u8 = 1;
/// A model name longer than this (in characters) is cut in a link.
pub(super) const NAME_CHARS: usize = 120;
pub(super) const HIST: usize = 9 * N_BINS;

/// Flag: the layers' quality follows the counts.
const HAS_LAYERS: u8 = 1;
/// Flag: the model's counts are left out, being the sum of its (all present) buckets.
const SUM_OF_BUCKETS: u8 = 2;

pub(super) fn encode(s: &YoursSketch) -> String {
    let present: Vec<&Vec<u64>> = s.buckets.iter().flatten().collect();
    let mut sum = vec![0u64; HIST];
    for b in &present {
        for (t, x) in sum.iter_mut().zip(b.iter()) {
            *t = t.saturating_add(*x);
        }
    }
    let summed = present.len() == DEPTH_BUCKETS && sum == s.counts;
    let mut w = Vec::with_capacity(4096);
    w.push(VERSION);
    w.extend_from_slice(&s.site.to_le_bytes());
    w.push((u8::from(s.layers.is_some()) * HAS_LAYERS) | (u8::from(summed) * SUM_OF_BUCKETS));
    let mask = (0..s.buckets.len().min(16))
        .filter(|&b| s.buckets[b].is_some())
        .fold(0u16, |m, b| m | (1 << b));
    w.extend_from_slice(&mask.to_le_bytes());
    let name: String = s.model.chars().take(NAME_CHARS).collect();
    put(&mut w, name.len() as u64);
    w.extend_from_slice(name.as_bytes());
    for v in [s.n_filters, s.n_layers, s.outside] {
        put(&mut w, v);
    }
    if !summed {
        put_counts(&mut w, &s.counts);
    }
    for b in present {
        put_counts(&mut w, b);
    }
    for (depth, l) in s.layers.iter().flatten() {
        put(&mut w, l.n);
        w.push(u8::from(l.degenerated));
        let orth = l.orthogonality.unwrap_or(f64::NAN);
        for x in [
            *depth,
            l.sparsity,
            l.variance_entropy,
            l.variance_entropy_ratio,
            orth,
        ] {
            // f32: four digits are what the page shows; f64 would double the layers' share.
            w.extend_from_slice(&(x as f32).to_le_bytes());
        }
    }
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&w, 10))
}

fn put(w: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        w.push((v as u8) | 0x80);
        v >>= 7;
    }
    w.push(v as u8);
}

/// Counts as zigzag differences from the previous bin of the same component.
fn put_counts(w: &mut Vec<u8>, counts: &[u64]) {
    for c in counts.chunks(N_BINS) {
        let mut prev = 0i128;
        for &x in c {
            let d = x as i128 - prev;
            prev = x as i128;
            let z = if d < 0 { (-d) * 2 - 1 } else { d * 2 };
            // Counts are below 2^63 (filters in a model), so the zigzag fits 64 bits.
            put(w, z as u64);
        }
    }
}

/// A reader over the inflated bytes that names what it failed to read.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, what: &str) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("ends inside {what} (byte {})", self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn varint(&mut self, what: &str) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1, what)?[0];
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(format!("{what} overflows 64 bits"));
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!("{what} overflows 64 bits"))
    }

    fn f32(&mut self, what: &str) -> Result<f64, String> {
        let b = self.take(4, what)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64)
    }

    fn counts(&mut self, what: &str) -> Result<Vec<u64>, String> {
        let mut out = Vec::with_capacity(HIST);
        for _ in 0..9 {
            let mut prev = 0i128;
            for _ in 0..N_BINS {
                let z = self.varint(what)? as i128;
                let d = if z & 1 == 1 { -(z + 1) / 2 } else { z / 2 };
                prev += d;
                if !(0..=i64::MAX as i128).contains(&prev) {
                    return Err(format!("{what}: a count of {prev}"));
                }
                out.push(prev as u64);
            }
        }
        Ok(out)
    }
}

/// Filters counted by a histogram, if its nine components agree.
fn filters_in(counts: &[u64], what: &str) -> Result<u64, String> {
    let sums: Vec<u128> = counts
        .chunks(N_BINS)
        .map(|c| c.iter().map(|&x| x as u128).sum())
        .collect();
    if sums.iter().any(|&s| s != sums[0]) || sums[0] > u64::MAX as u128 {
        return Err(format!(
            "{what}: its components count different numbers of filters"
        ));
    }
    Ok(sums[0] as u64)
}

pub(super) fn decode(bytes: &[u8]) -> Result<YoursSketch, String> {
    let mut r = Reader { bytes, at: 0 };
    let version = r.take(1, "the version")?[0];
    if version != VERSION {
        return Err(format!("format {version}, this page reads {VERSION}"));
    }
    let site = u64::from_le_bytes(r.take(8, "the site")?.try_into().expect("8 bytes"));
    let flags = r.take(1, "the flags")?[0];
    if flags > HAS_LAYERS | SUM_OF_BUCKETS {
        return Err(format!("unknown flags {flags:#x}"));
    }
    let mask = u16::from_le_bytes(r.take(2, "the buckets' mask")?.try_into().expect("2 bytes"));
    if mask >> DEPTH_BUCKETS != 0
        || (flags & SUM_OF_BUCKETS != 0 && mask != (1 << DEPTH_BUCKETS) - 1)
    {
        return Err(format!("a buckets' mask of {mask:#x}"));
    }
    let len = r.varint("the name's length")?;
    let name = r.take(usize::try_from(len).unwrap_or(usize::MAX), "the name")?;
    let model = String::from_utf8(name.to_vec()).map_err(|_| "a name that is not UTF-8")?;
    let n_filters = r.varint("the filter count")?;
    let n_layers = r.varint("the layer count")?;
    let outside = r.varint("the clamped count")?;
    if u128::from(outside) > 9 * u128::from(n_filters) {
        return Err(format!(
            "{outside} clamped of {n_filters} filters' coefficients"
        ));
    }
    let (counts, buckets) = counts(&mut r, flags, mask)?;
    if filters_in(&counts, "the model's counts")? != n_filters {
        return Err(format!("counts of other than its {n_filters} filters"));
    }
    let layers = if flags & HAS_LAYERS != 0 {
        Some(layers(&mut r, &model, n_layers, n_filters)?)
    } else {
        None
    };
    if r.at != bytes.len() {
        return Err(format!("{} bytes after the sketch", bytes.len() - r.at));
    }
    Ok(YoursSketch {
        site,
        model,
        n_filters,
        n_layers,
        outside,
        counts,
        buckets,
        layers,
    })
}

/// The model's counts and its depth buckets' (those `mask` names), checked to agree: given, the
/// model's counts cover the buckets'; left out (`SUM_OF_BUCKETS`), they are the buckets' sum.
#[allow(clippy::type_complexity)]
fn counts(
    r: &mut Reader,
    flags: u8,
    mask: u16,
) -> Result<(Vec<u64>, Vec<Option<Vec<u64>>>), String> {
    let given = if flags & SUM_OF_BUCKETS == 0 {
        Some(r.counts("the model's counts")?)
    } else {
        None
    };
    let mut buckets = vec![None; DEPTH_BUCKETS];
    let mut sum = vec![0u128; HIST];
    for (b, slot) in buckets.iter_mut().enumerate() {
        if mask & (1 << b) == 0 {
            continue;
        }
        let what = format!("depth bucket {b}");
        let c = r.counts(&what)?;
        filters_in(&c, &what)?;
        for (s, &x) in sum.iter_mut().zip(&c) {
            *s += x as u128;
        }
        *slot = Some(c);
    }
    let counts = match given {
        Some(c) => {
            if sum.iter().zip(&c).any(|(&s, &x)| s > x as u128) {
                return Err("depth buckets that count more than the model".into());
            }
            c
        }
        None => sum
            .iter()
            .map(|&x| u64::try_from(x).map_err(|_| "a count beyond 64 bits".to_string()))
            .collect::<Result<_, _>>()?,
    };
    Ok((counts, buckets))
}

/// The layers' quality: `n_layers` of them, counting `n_filters` in all.
fn layers(
    r: &mut Reader,
    model: &str,
    n_layers: u64,
    n_filters: u64,
) -> Result<Vec<(f64, LayerReport)>, String> {
    // Each layer takes at least 22 bytes: a count beyond what is left is refused unread.
    if n_layers > (r.bytes.len() - r.at) as u64 / 22 {
        return Err(format!(
            "{n_layers} layers in {} bytes",
            r.bytes.len() - r.at
        ));
    }
    let mut ls = Vec::with_capacity(n_layers as usize);
    let mut total = 0u128;
    for k in 0..n_layers {
        let what = format!("layer {k}");
        let n = r.varint(&what)?;
        total += u128::from(n);
        let degenerated = match r.take(1, &what)?[0] {
            0 => false,
            1 => true,
            x => return Err(format!("{what}: a flag of {x}")),
        };
        let mut v = [0f64; 5];
        for x in &mut v {
            *x = r.f32(&what)?;
        }
        let [depth, sparsity, entropy, ratio, orth] = v;
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        if !unit(depth) || !unit(sparsity) || !entropy.is_finite() || !ratio.is_finite() {
            return Err(format!("{what}: values out of their ranges"));
        }
        ls.push((
            depth,
            LayerReport {
                layer_id: k as i64,
                model: model.to_string(),
                n,
                sparsity,
                variance_entropy: entropy,
                variance_entropy_ratio: ratio,
                degenerated,
                orthogonality: orth.is_finite().then_some(orth),
            },
        ));
    }
    if total != u128::from(n_filters) {
        return Err(format!("layers of {total} filters, not {n_filters}"));
    }
    Ok(ls)
}
