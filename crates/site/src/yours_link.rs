//! A Your-model view shared as a link: the model's sketches in the URL fragment (which browsers
//! never send to a server), so a colleague sees the same rankings and distributions without the
//! file. The sketch is written as varints (counts as differences from the previous bin, which the
//! smooth histograms keep small), deflated and base64url-encoded. A link is kept within
//! [`MAX_LINK_BYTES`]; [`YoursSketch::links`] offers shorter forms that leave out per-depth
//! sketches one by one from the deepest, then the layers' quality, for a model too large for the
//! whole (a ResNet-50's ten depth buckets alone take about 9 KB: the counts' low digits are
//! noise, which no coding shrinks).
//!
//! ```
//! use filterscope_site::YoursSketch;
//! let s = YoursSketch {
//!     site: 7,
//!     model: "tiny.onnx".into(),
//!     n_filters: 1,
//!     n_layers: 0,
//!     outside: 0,
//!     counts: (0..9 * 70).map(|i| u64::from(i % 70 == 35)).collect(),
//!     buckets: vec![None; 10],
//!     layers: None,
//! };
//! let link = &s.links()[0];
//! assert_eq!(YoursSketch::from_link(&link.fragment).unwrap(), s);
//! ```

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use filterscope_stats::{DEPTH_BUCKETS, N_BINS};
use serde::{Deserialize, Serialize};

use crate::{LayerReport, SiteError, YoursSketch};

/// The longest link the page makes (the whole URL): 8 KB, which every browser, chat and mail
/// client passes unharmed.
pub const MAX_LINK_BYTES: usize = 8 * 1024;

/// Format of the encoded sketch (its first byte).
const VERSION: u8 = 1;
/// A model name longer than this (in characters) is cut in a link.
const NAME_CHARS: usize = 120;
/// Refused before inflating: no link within [`MAX_LINK_BYTES`] is longer.
const MAX_TEXT: usize = MAX_LINK_BYTES;
/// Refused while inflating: far above what the longest link inflates to.
const MAX_RAW: usize = 1 << 18;
const HIST: usize = 9 * N_BINS;

/// One form of a shared link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedLink {
    /// What goes after `#yours=`.
    pub fragment: String,
    /// What this form leaves out ("layers", "depth buckets").
    pub left_out: Vec<String>,
}

impl YoursSketch {
    /// The link forms of this sketch, the fullest first: everything, then one depth bucket fewer
    /// each (the deepest first), then the same without the layers' quality (which a few hundred
    /// bytes hold for most models, and the view shows first). The page takes the first that fits.
    pub fn links(&self) -> Vec<SharedLink> {
        let mut out = vec![];
        for keep_layers in [true, false] {
            let mut s = self.clone();
            if !keep_layers && s.layers.take().is_none() {
                break;
            }
            out.push(s.form());
            for b in (0..s.buckets.len()).rev() {
                // An empty bucket costs next to nothing: only those with filters are dropped.
                if s.buckets[b]
                    .as_ref()
                    .is_some_and(|c| c.iter().any(|&x| x > 0))
                {
                    s.buckets[b] = None;
                    out.push(s.form());
                }
            }
        }
        out
    }

    fn form(&self) -> SharedLink {
        SharedLink {
            fragment: encode(self),
            left_out: self.left_out(),
        }
    }

    /// The link to `page` (a URL without a fragment) of the fullest form within
    /// [`MAX_LINK_BYTES`], and what it leaves out; None if even the leanest is too long.
    pub fn link_to(page: &str, links: &[SharedLink]) -> Option<(String, Vec<String>)> {
        links
            .iter()
            .map(|l| (format!("{page}#yours={}", l.fragment), &l.left_out))
            .find(|(url, _)| url.len() <= MAX_LINK_BYTES)
            .map(|(url, left)| (url, left.clone()))
    }

    /// The sketch a link's fragment (what follows `#yours=`) holds, checked for consistency
    /// (counts that add up, layers that match), so a damaged or forged link is refused with a
    /// reason rather than shown.
    pub fn from_link(text: &str) -> Result<YoursSketch, SiteError> {
        let bad = |why: String| SiteError::Yours(format!("the shared link: {why}"));
        if text.len() > MAX_TEXT {
            return Err(bad(format!("{} characters, over {MAX_TEXT}", text.len())));
        }
        let packed = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|e| bad(format!("not base64url ({e})")))?;
        let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_RAW)
            .map_err(|e| bad(format!("not a deflated sketch ({:?})", e.status)))?;
        decode(&raw).map_err(|e| bad(e.to_string()))
    }
}

/// Flag: the layers' quality follows the counts.
const HAS_LAYERS: u8 = 1;
/// Flag: the model's counts are left out, being the sum of its (all present) buckets.
const SUM_OF_BUCKETS: u8 = 2;

fn encode(s: &YoursSketch) -> String {
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

fn decode(bytes: &[u8]) -> Result<YoursSketch, String> {
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
    if filters_in(&counts, "the model's counts")? != n_filters {
        return Err(format!("counts of other than its {n_filters} filters"));
    }
    let layers = if flags & HAS_LAYERS != 0 {
        // Each layer takes at least 22 bytes: a count beyond what is left is refused unread.
        if n_layers > (bytes.len() - r.at) as u64 / 22 {
            return Err(format!("{n_layers} layers in {} bytes", bytes.len() - r.at));
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
                    model: model.clone(),
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
        Some(ls)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(n_layers: u64) -> YoursSketch {
        let per = 37u64;
        let bucket = |b: usize| -> Vec<u64> {
            (0..HIST)
                .map(|i| {
                    let k = n_layers_in(b, n_layers) * per;
                    u64::from(i % N_BINS == 30 + b) * k
                })
                .collect()
        };
        let buckets: Vec<Vec<u64>> = (0..DEPTH_BUCKETS).map(bucket).collect();
        let mut counts = vec![0u64; HIST];
        for b in &buckets {
            for (c, x) in counts.iter_mut().zip(b) {
                *c += x;
            }
        }
        let layers = (0..n_layers)
            .map(|k| {
                let depth = (k as f64 + 0.5) / n_layers as f64;
                let r = LayerReport {
                    layer_id: k as i64,
                    model: "m.onnx".into(),
                    n: per,
                    sparsity: 0.25,
                    variance_entropy: 0.5,
                    variance_entropy_ratio: 0.75,
                    degenerated: k % 2 == 0,
                    orthogonality: (k % 3 != 0).then_some(0.125),
                };
                ((depth as f32) as f64, r)
            })
            .collect();
        YoursSketch {
            site: 0xfeed,
            model: "m.onnx".into(),
            n_filters: n_layers * per,
            n_layers,
            outside: 3,
            counts,
            buckets: buckets.into_iter().map(Some).collect(),
            layers: Some(layers),
        }
    }

    /// Layers of a model of `n` layers, each at depth (k + 0.5) / n, in bucket `b`.
    fn n_layers_in(b: usize, n: u64) -> u64 {
        (0..n)
            .filter(|&k| filterscope_stats::depth_bucket((k as f64 + 0.5) / n as f64) == Some(b))
            .count() as u64
    }

    #[test]
    fn every_form_reads_back() {
        let s = sketch(20);
        let links = s.links();
        // Whole, then one bucket fewer each (all ten hold filters here), with the layers and
        // without.
        assert_eq!(links.len(), 2 * (1 + DEPTH_BUCKETS));
        assert_eq!(YoursSketch::from_link(&links[0].fragment).unwrap(), s);
        let lean = YoursSketch::from_link(&links.last().unwrap().fragment).unwrap();
        assert!(lean.buckets.iter().all(Option::is_none) && lean.layers.is_none());
        assert_eq!(lean.counts, s.counts);
        let two = YoursSketch::from_link(&links[2].fragment).unwrap();
        assert_eq!(two.buckets[..8], s.buckets[..8]);
        assert_eq!(two.layers, s.layers);
        assert_eq!(links[2].left_out, ["depth buckets (0.8, 0.9] (0.9, 1.0]"]);
        assert_eq!(links[11].left_out, ["layers"]);
        assert!(links.last().unwrap().fragment.len() < links[0].fragment.len() / 4);
    }

    #[test]
    fn damage_is_refused() {
        let s = sketch(4);
        let good = &s.links()[0].fragment;
        for bad in [
            "",
            "not base64!",
            &good[..good.len() / 2],
            &"A".repeat(MAX_TEXT + 1),
        ] {
            assert!(YoursSketch::from_link(bad).is_err(), "{bad:?}");
        }
        // Consistent bytes that lie: a count that breaks the components' agreement.
        let mut forged = s.clone();
        forged.counts[5] += 1;
        let e = YoursSketch::from_link(&encode(&forged)).unwrap_err();
        assert!(e.to_string().contains("components"), "{e}");
        let mut forged = s.clone();
        forged.n_layers += 1;
        assert!(YoursSketch::from_link(&encode(&forged)).is_err());
        // Buckets that hold more than the model.
        let mut forged = s.clone();
        forged.counts = forged.counts.iter().map(|x| x / 2).collect();
        forged.buckets[0] = None;
        forged.n_filters /= 2;
        forged.layers = None;
        assert!(YoursSketch::from_link(&encode(&forged)).is_err());
    }

    #[test]
    fn a_long_name_is_cut() {
        let mut s = sketch(2);
        s.model = "é".repeat(500);
        let back = YoursSketch::from_link(&s.links()[0].fragment).unwrap();
        assert_eq!(back.model.chars().count(), NAME_CHARS);
    }
}
