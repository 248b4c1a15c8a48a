//! Queries over loaded site data: global stats ([`stats`]), the drift matrix between the groups
//! of any column ([`compare`]), per-layer quality ([`layers`]), the models and layers as tables
//! ([`tables`]) and quality by group ([`quality_by`]), each with the parts it reads. The browser
//! and `data-prep` call these same functions, so a number can never differ between them. [`key`]
//! resolves the column names and filters they take; [`source`] picks the table a grouping reads,
//! [`merge`] merges its rows, [`grouping`] holds the groups; [`order`] orders a comparison's
//! groups; [`method`] says how a comparison weighs and resamples, [`spread`] computes it.

pub(crate) mod compare;
pub(crate) mod density;
pub(crate) mod grouping;
pub(crate) mod key;
pub(crate) mod layers;
pub(crate) mod member_counts;
pub(crate) mod member_sums;
pub(crate) mod merge;
pub(crate) mod method;
pub(crate) mod order;
pub(crate) mod quality_by;
pub(crate) mod source;
pub(crate) mod spread;
pub(crate) mod stats;
mod stored_spread;
pub(crate) mod tables;
pub(crate) mod tails;
mod value_source;

use crate::{Part, SiteData, SiteError};

impl SiteData {
    /// An error naming what of `parts` is not loaded, if anything.
    pub fn require(&self, parts: &[Part]) -> Result<(), SiteError> {
        match self.missing(parts).first() {
            None => Ok(()),
            Some(p) => Err(SiteError::NotLoaded(
                self.entry(*p)
                    .map(|e| e.file.clone())
                    .unwrap_or_else(|| format!("{p:?}")),
            )),
        }
    }
}
