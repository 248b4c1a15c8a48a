//! Messages between the page and its data worker. The page asks for what a view shows
//! ([`Request`]); the worker fetches, verifies and decodes the parts that needs, computes, and
//! answers with plain numbers ([`Answer`]). Messages are JSON, except a comparison's D matrix,
//! which travels as a transferred `Float64Array` (a 647 x 647 matrix as JSON would cost the page
//! a long parse).

use filterscope_site::{
    Between, Comparison, Manifest, Method, ModelRow, ModelTotals, QualityBy, SharedLink,
    StatsReport, Where, YoursReport, YoursSketch,
};
use serde::{Deserialize, Serialize};

mod wire;
pub use wire::{decode, encode};

/// A fingerprint of this file, which both binaries embed: the page refuses a worker whose
/// messages may differ. The site build names the worker by its content, so a page meets the
/// worker it was built with; this is the check that says so if ever it does not.
pub const PROTOCOL: u64 =
    fnv1a(include_bytes!("mod.rs")) ^ fnv1a(include_bytes!("wire.rs")).rotate_left(1);

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// A data URL [`check_data_url`] refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusedUrl;

impl std::fmt::Display for RefusedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "only http(s) URLs, or a path relative to this page, are loaded"
        )
    }
}

/// Whether the data may be loaded from `url` (absolute): http or https only. A site is data, and
/// data comes over the web; `javascript:`, `data:`, `blob:` and `file:` URLs are refused.
pub fn check_data_url(url: &str) -> Result<(), RefusedUrl> {
    let scheme = url
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if url.contains(':') && (scheme == "http" || scheme == "https") {
        Ok(())
    } else {
        Err(RefusedUrl)
    }
}

/// The label of a pair's side that is every other group of the column (besides the other
/// side's): "Classification vs the rest". A group of that name, if a column has one, is itself.
pub const REST: &str = "the rest";

/// What a view asks the worker for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// The D matrix between the groups of `by` among layers passing `wheres`, weighted and
    /// resampled as `method` says.
    Compare {
        by: String,
        wheres: Vec<Where>,
        method: Method,
    },
    /// The values of a column (for pickers).
    Values { column: String },
    /// Group `a` against group `b` of `by` (the first two groups when not given); either may be
    /// [`REST`].
    Pair {
        by: String,
        wheres: Vec<Where>,
        a: Option<String>,
        b: Option<String>,
    },
    /// Groups `a` and `b` of `by`'s own PCA, from their moments (asked after [`Request::Pair`],
    /// whose plots need the groups' counts only, so that the first plot does not wait for the
    /// moments).
    PairEigen {
        by: String,
        wheres: Vec<Where>,
        a: String,
        b: String,
    },
    /// The sampled filters and layer quality of groups `a` and `b` of `by` (fetched after the
    /// pair's sketches, so that its first plots do not wait for the samples).
    PairSamples {
        by: String,
        wheres: Vec<Where>,
        a: String,
        b: String,
    },
    /// Model `model` (row of the models table): its layers and sampled filters.
    Model { model: u32 },
    /// The quality of every layer passing `wheres`, grouped by `by`.
    Quality { by: String, wheres: Vec<Where> },
    /// Fetch what [`Request::Yours`] needs, so that no request follows the choice of a file.
    YoursPrepare,
    /// The model file `name` (ONNX, safetensors, PyTorch), whose bytes came with the message,
    /// held against the site.
    Yours { name: String },
    /// One model a shared link's fragment carries (a part of what follows `#yours=`), against
    /// the site.
    YoursShared { link: String },
    /// Measured models against each other.
    Between { models: Vec<YoursSketch> },
}

/// Page to worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToWorker {
    /// Load the manifest and models table under `base` (an absolute URL ending in '/').
    Open { base: String },
    /// Answer `request`, tagged `id`. With `ask_over`, a request that would download more than
    /// that many bytes fetches nothing and is answered [`Failure::Large`]: the page asks the
    /// visitor first.
    Ask {
        id: u64,
        request: Request,
        #[serde(default)]
        ask_over: Option<u64>,
    },
    /// Forget the last failure: the page asks again.
    Retry,
}

/// Worker to page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker listens (messages sent before this are lost); its [`PROTOCOL`].
    Ready { protocol: u64 },
    /// The manifest and models are in.
    Catalog(Box<Catalog>),
    /// How far the current fetches have come.
    Progress(Progress),
    /// How far a comparison's resampling has come: replicates and splits done, of all.
    Computing { done: u64, total: u64 },
    /// Loading stopped at this error (it names the file).
    Failed(Failure),
    /// The answer to request `id`.
    Answer {
        id: u64,
        answer: Result<Answer, Failure>,
    },
}

/// Why the worker could not answer, or stopped loading. Each message names what it is about
/// (the file, the column, the visitor's model): the page shows it as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Failure {
    /// A request came before the site was opened (a page's mistake, answered rather than
    /// ending the worker).
    NotOpen,
    /// A data file could not be fetched, or its bytes did not check out against the manifest.
    File { file: String, problem: String },
    /// The site's data could not be read or decoded (the message names the file).
    Data(String),
    /// The site cannot answer this request (an unknown column, group or model).
    Query(String),
    /// The visitor's model could not be read.
    Model(String),
    /// A message between page and worker could not be read.
    Message(String),
    /// Answering would download `bytes` of the site's data, more than the page said to fetch
    /// without asking; nothing was fetched.
    Large { bytes: u64 },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NotOpen => write!(f, "the site is not open"),
            Failure::File { file, problem } => write!(f, "{file}: {problem}"),
            Failure::Data(m) | Failure::Query(m) | Failure::Model(m) | Failure::Message(m) => {
                write!(f, "{m}")
            }
            Failure::Large { bytes } => write!(
                f,
                "this needs {} more of the site's data",
                megabytes(*bytes)
            ),
        }
    }
}

impl std::error::Error for Failure {}

/// `bytes` as the page writes a download's size: megabytes to one decimal ("10.6 MB"), or
/// kilobytes under a tenth of one.
pub fn megabytes(bytes: u64) -> String {
    if bytes < 100_000 {
        format!("{} KB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

impl Failure {
    /// The site's data refused a request: its message names the column, group or model.
    pub fn query(e: filterscope_site::SiteError) -> Failure {
        Failure::Query(e.to_string())
    }

    /// Decoding verified data failed: its message names the file.
    pub fn data(e: filterscope_site::SiteError) -> Failure {
        Failure::Data(e.to_string())
    }
}

/// What the page holds of the site: the manifest, the models and their sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub manifest: Manifest,
    pub models: Vec<ModelRow>,
    pub totals: Vec<ModelTotals>,
    pub stats: StatsReport,
}

/// How far the current fetches have come.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub bytes: u64,
    pub total_bytes: u64,
    pub files: usize,
    pub total_files: usize,
    pub done: bool,
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    Compare(Box<Comparison>),
    Values(Vec<String>),
    Pair(Box<PairAnswer>),
    /// Each group's own PCA, when its filters define it.
    PairEigen([Option<Eigen>; 2]),
    PairSamples(Box<PairSamplesAnswer>),
    Model(Box<ModelAnswer>),
    Quality(Box<QualityBy>),
    /// The site is ready for a foreign model.
    Prepared,
    Yours(Box<YoursAnswer>),
    Between(Box<BetweenAnswer>),
}

/// Several models against each other, and the same as a comparison (for the heatmap's orders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BetweenAnswer {
    pub between: Between,
    pub comparison: Comparison,
}

/// A foreign model against the site, and the forms of a link that shares it (fullest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YoursAnswer {
    pub report: YoursReport,
    /// What the report comes from: what [`Request::Between`] and a link carry.
    pub sketch: YoursSketch,
    pub links: Vec<SharedLink>,
    /// The centres of the site's coefficient bins.
    pub x: Vec<f64>,
    /// The model's and the site's share of filters in each bin: `[model or site][component][bin]`.
    pub shares: [Vec<Vec<f64>>; 2],
}

/// Two groups, everything the pair view draws, computed by the worker from their merged
/// sketches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairAnswer {
    pub by: String,
    pub labels: [String; 2],
    /// The groups of `by` to pick from.
    pub choices: Vec<String>,
    /// The site's explained-variance ratio of each principal component.
    pub evr: [f64; 9],
    /// The centres of the site's coefficient bins.
    pub x: Vec<f64>,
    /// Each group's share of filters in each bin: `[group][component][bin]`.
    pub shares: [Vec<Vec<f64>>; 2],
    /// D between the groups per component (their sum is the pair's D).
    pub d_per_component: [f64; 9],
    /// The site's coefficient range (the density's axes).
    pub range: (f64, f64),
}

/// A group's own PCA: each component (as a 3x3 filter, row-major) and its explained-variance
/// ratio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eigen {
    pub components: Vec<[f64; 9]>,
    pub evr: [f64; 9],
}

/// Two groups' sampled filters and layers, for the pair view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairSamplesAnswer {
    /// Up to 48 lite-sampled raw filters per group, round-robin over its layers.
    pub grid: [Vec<[f64; 9]>; 2],
    /// The c0/c1 density of each group's lite samples: (samples, counts row-major by c1 then c0).
    pub density: [(usize, Vec<Vec<u32>>); 2],
    /// Each group's layers: (sparsity, variance entropy, degenerated).
    pub scatter: [Vec<(f64, f64, bool)>; 2],
}

/// One model, everything the model view draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelAnswer {
    pub model: u32,
    /// Its layers by depth: conv_depth_norm of each.
    pub x: Vec<f64>,
    pub sparsity: Vec<f64>,
    pub entropy_ratio: Vec<f64>,
    /// NaN where undefined.
    pub orthogonality: Vec<f64>,
    pub degenerated: Vec<bool>,
    /// D of each layer to all filters of the site.
    pub drift: Vec<f64>,
    /// Sampled filters, six per layer, and their captions ("L<layer_id>" on a layer's first).
    pub filters: Vec<[f64; 9]>,
    pub captions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_are_loaded() {
        for ok in [
            "https://example.org/data/",
            "http://127.0.0.1:8000/d/",
            "HTTPS://X/",
        ] {
            assert!(check_data_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)//",
            "data:text/html,<b>",
            "file:///etc/",
            "blob:https://x/1",
            "ftp://x/",
            "data/",
        ] {
            assert!(check_data_url(bad).is_err(), "{bad}");
        }
    }
}
