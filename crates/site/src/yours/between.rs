//! Several foreign models held against each other, on the site's basis and bins: D between every
//! two of them, and, read as a series in the order given (checkpoints along a training run, a
//! model before and after fine-tuning), D from each to the first and to the previous, overall
//! and per depth bucket.
//!
//! ```
//! use filterscope_site::{testing, ForeignLayer};
//! let site = testing::loaded(&testing::content());
//! let sketch = |name: &str, scale: f64| {
//!     let mut m = site.measuring(name);
//!     let filters = (0..40)
//!         .map(|i| std::array::from_fn(|k| scale * (((i * 9 + k) % 7) as f64 - 3.0)))
//!         .collect();
//!     m.add(&ForeignLayer { name: "conv".into(), conv_depth_norm: 0.5, out_channels: 8, filters });
//!     m.finish().unwrap()
//! };
//! let b = site.between(&[sketch("a", 1.0), sketch("b", 1.0), sketch("c", -0.5)]).unwrap();
//! assert_eq!(b.d[0][1], 0.0); // the same filters
//! assert!(b.d[0][2] > 0.0);
//! assert_eq!(b.series[2].to_previous, Some(b.d[1][2]));
//! ```

use filterscope_stats::{average_linkage, drift, drift_matrix, Histograms, DEPTH_BUCKETS};
use serde::{Deserialize, Serialize};

use super::measure::histograms;
use crate::{Comparison, SiteData, SiteError, YoursSketch};

/// The most files the page and `data-prep yours` take at once: a 16 x 16 heatmap still shows
/// its numbers on a phone, and 16 checkpoints cover a run sampled every few epochs.
pub const MAX_MODELS: usize = 16;

/// One model of a series against the first and the one before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The model's name.
    pub model: String,
    /// D to the first model (0 for the first itself).
    pub to_first: f64,
    /// D to the model before it (None for the first).
    pub to_previous: Option<f64>,
    /// Per depth bucket, D to the first model there (None: either has no filters there, or a
    /// shared link left that bucket out).
    pub buckets_to_first: Vec<Option<f64>>,
    /// Per depth bucket, D to the previous model there.
    pub buckets_to_previous: Vec<Option<f64>>,
}

/// Several foreign models against each other (`"between"` in `data-prep yours --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Between {
    /// The models' names, in the order given.
    pub models: Vec<String>,
    /// D between every two of them, in that order.
    #[serde(rename = "D")]
    pub d: Vec<Vec<f64>>,
    /// The models read as a series in the order given.
    pub series: Vec<Step>,
}

impl SiteData {
    /// D between measured models (each against this site), and the series they make.
    pub fn between(&self, models: &[YoursSketch]) -> Result<Between, SiteError> {
        if models.len() > MAX_MODELS {
            return Err(SiteError::Yours(format!(
                "{} models; at most {MAX_MODELS} are compared at once",
                models.len()
            )));
        }
        let me = self.fingerprint();
        if let Some(m) = models.iter().find(|m| m.site != me) {
            return Err(SiteError::Yours(format!(
                "{}: measured against another site; open it with the data it was made with",
                m.model
            )));
        }
        let evr = self.basis.evr;
        let totals = models
            .iter()
            .map(|m| histograms(&m.counts))
            .collect::<Result<Vec<_>, _>>()?;
        let d = drift_matrix(&totals, &evr, &self.rule);
        let bucket = |m: &YoursSketch, b: usize| -> Result<Option<Histograms>, SiteError> {
            match m.buckets.get(b).and_then(|c| c.as_deref()) {
                Some(c) => Ok(Some(histograms(c)?).filter(|h| h.total() > 0)),
                None => Ok(None),
            }
        };
        let buckets = models
            .iter()
            .map(|m| (0..DEPTH_BUCKETS).map(|b| bucket(m, b)).collect())
            .collect::<Result<Vec<Vec<_>>, _>>()?;
        let per_bucket = |i: usize, j: usize| -> Vec<Option<f64>> {
            (0..DEPTH_BUCKETS)
                .map(|b| match (&buckets[i][b], &buckets[j][b]) {
                    (Some(x), Some(y)) => Some(drift(x, y, &evr, &self.rule)),
                    _ => None,
                })
                .collect()
        };
        let series = (0..models.len())
            .map(|i| Step {
                model: models[i].model.clone(),
                to_first: d[0][i],
                to_previous: (i > 0).then(|| d[i - 1][i]),
                buckets_to_first: per_bucket(0, i),
                buckets_to_previous: if i > 0 {
                    per_bucket(i - 1, i)
                } else {
                    vec![None; DEPTH_BUCKETS]
                },
            })
            .collect();
        Ok(Between {
            models: models.iter().map(|m| m.model.clone()).collect(),
            d,
            series,
        })
    }
}

impl Between {
    /// The models as a [`Comparison`] grouped `by` "model", for the heatmap and its orders
    /// (`name`: the order given; `cluster`: similar models side by side).
    pub fn comparison(&self, models: &[YoursSketch]) -> Comparison {
        Comparison {
            by: "model".into(),
            groups: self.models.clone(),
            n_filters: models.iter().map(|m| m.n_filters).collect(),
            n_models: vec![1; models.len()],
            n_layers: models.iter().map(|m| m.n_layers).collect(),
            tree: average_linkage(&self.d),
            d: self.d.clone(),
            ..Default::default()
        }
    }
}
