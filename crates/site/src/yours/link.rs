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
use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use crate::{SiteError, YoursSketch};

/// The longest link the page makes (the whole URL): 8 KB, which every browser, chat and mail
/// client passes unharmed.
pub const MAX_LINK_BYTES: usize = 8 * 1024;

/// Between the models of a link that carries several: not a base64url character, and left as
/// it is by browsers and chat tools.
pub const SEPARATOR: char = '.';

/// Refused before inflating: no link within [`MAX_LINK_BYTES`] is longer.
const MAX_TEXT: usize = MAX_LINK_BYTES;
/// Refused while inflating: far above what the longest link inflates to.
const MAX_RAW: usize = 1 << 18;

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

    /// The link to `page` (a URL without a fragment) carrying the measured `models`, each in
    /// its link forms, as [`YoursSketch::link_to_all`] fits them: what `data-prep yours --link`
    /// and the Python package print.
    pub fn link_to_sketches(page: &str, models: &[YoursSketch]) -> Option<(String, Vec<String>)> {
        let forms: Vec<(String, Vec<SharedLink>)> = models
            .iter()
            .map(|s| (s.model.clone(), s.links()))
            .collect();
        YoursSketch::link_to_all(page, &forms)
    }

    /// The link to `page` carrying several models (`models[i]` is model i's name and its forms,
    /// fullest first): their fragments joined by [`SEPARATOR`], within [`MAX_LINK_BYTES`] in all.
    /// Every model starts at its leanest form and each in turn takes its next fuller form while
    /// the whole fits, so the models share the room evenly; if even the leanest forms of all do
    /// not fit, the last models are left out. Returns the URL and what it leaves out, model by
    /// model; None if not even the first model's leanest form fits.
    pub fn link_to_all(
        page: &str,
        models: &[(String, Vec<SharedLink>)],
    ) -> Option<(String, Vec<String>)> {
        if let [(_, forms)] = models {
            return YoursSketch::link_to(page, forms);
        }
        let head = format!("{page}#yours=");
        for k in (1..=models.len()).rev() {
            let shown = &models[..k];
            if shown.iter().any(|(_, f)| f.is_empty()) {
                continue;
            }
            let mut pick: Vec<usize> = shown.iter().map(|(_, f)| f.len() - 1).collect();
            let len = |pick: &[usize]| -> usize {
                head.len()
                    + shown
                        .iter()
                        .zip(pick)
                        .map(|((_, f), &p)| f[p].fragment.len())
                        .sum::<usize>()
                    + (k - 1) * SEPARATOR.len_utf8()
            };
            if len(&pick) > MAX_LINK_BYTES {
                continue;
            }
            let mut grew = true;
            while grew {
                grew = false;
                for i in 0..k {
                    if pick[i] > 0 {
                        pick[i] -= 1;
                        if len(&pick) <= MAX_LINK_BYTES {
                            grew = true;
                        } else {
                            pick[i] += 1;
                        }
                    }
                }
            }
            let fragments: Vec<&str> = shown
                .iter()
                .zip(&pick)
                .map(|((_, f), &p)| f[p].fragment.as_str())
                .collect();
            let mut left_out: Vec<String> = shown
                .iter()
                .zip(&pick)
                .filter(|((_, f), &p)| !f[p].left_out.is_empty())
                .map(|((name, f), &p)| format!("{name}: {}", f[p].left_out.join(", ")))
                .collect();
            if k < models.len() {
                let rest: Vec<&str> = models[k..].iter().map(|(n, _)| n.as_str()).collect();
                left_out.push(format!("models {}", rest.join(", ")));
            }
            let url = format!("{head}{}", fragments.join(&SEPARATOR.to_string()));
            return Some((url, left_out));
        }
        None
    }

    /// The sketches a fragment of one or several models holds, each checked as
    /// [`YoursSketch::from_link`] does (one damaged model does not hide the others).
    pub fn from_links(text: &str) -> Vec<Result<YoursSketch, SiteError>> {
        text.split(SEPARATOR)
            .take(crate::MAX_MODELS)
            .map(YoursSketch::from_link)
            .collect()
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

#[cfg(test)]
mod tests {
    use super::super::codec::{HIST, NAME_CHARS};
    use super::*;
    use crate::LayerReport;
    use filterscope_stats::DEPTH_BUCKETS;
    use filterscope_stats::N_BINS;

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
    fn several_models_share_the_room() {
        let models: Vec<(String, Vec<SharedLink>)> = (0..6)
            .map(|i| {
                let mut s = sketch(20 + i);
                s.model = format!("epoch_{i}");
                (s.model.clone(), s.links())
            })
            .collect();
        let page = "https://example.org/filterscope/?view=yours";
        let (url, left) = YoursSketch::link_to_all(page, &models).unwrap();
        assert!(url.len() <= MAX_LINK_BYTES);
        let back = YoursSketch::from_links(url.split("#yours=").nth(1).unwrap());
        assert_eq!(back.len(), 6, "{left:?}");
        for (i, b) in back.iter().enumerate() {
            let b = b.as_ref().unwrap();
            assert_eq!(b.model, format!("epoch_{i}"));
            assert_eq!(b.counts, sketch(20 + i as u64).counts);
        }
        // Each model says what it lost; the fuller forms went round evenly.
        assert!(left.iter().all(|l| l.starts_with("epoch_")), "{left:?}");
        // Too many for even the leanest forms: the last models are named as left out.
        let many: Vec<(String, Vec<SharedLink>)> = (0..16).map(|i| models[i % 6].clone()).collect();
        let (url, left) = YoursSketch::link_to_all(page, &many).unwrap();
        assert!(url.len() <= MAX_LINK_BYTES);
        let kept = YoursSketch::from_links(url.split("#yours=").nth(1).unwrap()).len();
        if kept < 16 {
            assert!(left.last().unwrap().starts_with("models "), "{left:?}");
        }
        // A damaged model among good ones: the others still read.
        let good = &models[0].1[0].fragment;
        let mixed = format!("{good}.garbage!.{good}");
        let r = YoursSketch::from_links(&mixed);
        assert!(r[0].is_ok() && r[1].is_err() && r[2].is_ok());
    }

    #[test]
    fn a_long_name_is_cut() {
        let mut s = sketch(2);
        s.model = "é".repeat(500);
        let back = YoursSketch::from_link(&s.links()[0].fragment).unwrap();
        assert_eq!(back.model.chars().count(), NAME_CHARS);
    }
}
