//! How a comparison is computed beyond the grouping: what each group's distribution weighs
//! ([`Weight`]), which groups are too small to keep (`min_models`), and whether D gets bootstrap
//! intervals and within-group noise floors ([`Resampling`]). One value travels from the URL or the
//! command line to [`crate::SiteData::compare_with`], so the page and `data-prep` cannot differ.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Groups with fewer models than this are marked as small wherever a comparison is shown: their
/// D says as much about their models as about the group.
pub const SMALL_GROUP: u64 = 3;

/// Groups need this many models for a noise floor (two halves of at least two models each).
pub const FLOOR_MIN_MODELS: usize = 4;

/// Random splits per group for its noise floor: a median over 200 splits moves by about a tenth
/// of the floor's own spread between seeds, and the floor is a threshold, not a quoted number.
/// Independent of the replicates asked for, so that B = 5000 intervals do not cost five times as
/// much floor.
pub const FLOOR_SPLITS: u32 = 200;

/// Bootstrap replicates when none are asked for: enough for stable 2.5 and 97.5 percentiles
/// (25 replicates lie beyond each), few enough to answer within a second at the full DB's shape.
pub const DEFAULT_REPLICATES: u32 = 1000;

/// The most replicates accepted: beyond it the answer takes minutes without becoming surer.
pub const MAX_REPLICATES: u32 = 100_000;

/// What each filter of a group weighs in the group's distribution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weight {
    /// Every filter counts once (the CNN Filter DB paper's method): a large model dominates
    /// its group.
    #[default]
    Filters,
    /// Every model of a group counts the same: each model's histograms are divided by its
    /// number of filters in the group before the group's are summed.
    Models,
}

impl Weight {
    /// The name in URLs and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Weight::Filters => "filters",
            Weight::Models => "models",
        }
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A weight name that is neither `filters` nor `models`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown weight {0:?}: expected filters or models")]
pub struct UnknownWeight(pub String);

impl FromStr for Weight {
    type Err = UnknownWeight;
    fn from_str(s: &str) -> Result<Self, UnknownWeight> {
        match s {
            "filters" => Ok(Weight::Filters),
            "models" => Ok(Weight::Models),
            _ => Err(UnknownWeight(s.to_string())),
        }
    }
}

/// Bootstrap intervals and noise floors: `replicates` resamples of each group's models (and
/// [`FLOOR_SPLITS`] random splits of each group for its floor), drawn from a generator seeded with `seed`,
/// so that the same seed gives the same interval to the bit on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resampling {
    /// Bootstrap replicates.
    pub replicates: u32,
    /// The generator's seed.
    pub seed: u64,
}

impl Default for Resampling {
    fn default() -> Self {
        Resampling {
            replicates: DEFAULT_REPLICATES,
            seed: 0,
        }
    }
}

/// What a grouping must hold of each model's part of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OfModels {
    /// Nothing: every filter weighs the same.
    Nothing,
    /// Each group's sum of its models' shares (weighed by models, nothing resampled): a table of
    /// those sums answers, or each model's part.
    Shares,
    /// Each model's part (resampled).
    Each,
}

impl OfModels {
    /// Whether a table whose rows do not say whose filters they hold cannot answer.
    pub(crate) fn any(self) -> bool {
        self != OfModels::Nothing
    }
}

/// Everything about a comparison but its grouping and filters.
///
/// ```
/// use filterscope_site::{Method, Resampling, Weight};
/// let m = Method {
///     weight: "models".parse().unwrap(),
///     min_models: 3,
///     resampling: Some(Resampling { replicates: 200, seed: 7 }),
/// };
/// assert_eq!(m.weight, Weight::Models);
/// assert!(m.per_model());
/// assert!(!Method::default().per_model()); // today's comparison: pooled filters, no intervals
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Method {
    /// What each filter weighs.
    pub weight: Weight,
    /// Groups with fewer models are left out (0 and 1 keep every group).
    pub min_models: u64,
    /// Bootstrap intervals and noise floors, if asked for.
    pub resampling: Option<Resampling>,
}

impl Method {
    /// Whether the comparison needs each model's part of each group (to weigh or resample
    /// models), not just the groups' sums.
    pub fn per_model(&self) -> bool {
        self.weight == Weight::Models || self.resampling.is_some()
    }

    /// What a grouping must hold of each model's part of a group for this comparison.
    pub(crate) fn of_models(&self) -> OfModels {
        match (self.weight, self.resampling) {
            (_, Some(_)) => OfModels::Each,
            (Weight::Models, None) => OfModels::Shares,
            (Weight::Filters, None) => OfModels::Nothing,
        }
    }

    /// What a grouping must hold of each model's part of a group when the intervals are
    /// `stored` (read from a file, not resampled: only what the weight asks) or not.
    pub(crate) fn of_models_quoting(&self, stored: bool) -> OfModels {
        match stored {
            true => Method {
                resampling: None,
                ..*self
            }
            .of_models(),
            false => self.of_models(),
        }
    }

    /// An error for a replicate count out of range.
    pub fn check(&self) -> Result<(), crate::SiteError> {
        match self.resampling {
            Some(r) if r.replicates == 0 || r.replicates > MAX_REPLICATES => {
                Err(crate::SiteError::Query(format!(
                    "{} bootstrap replicates: expected 1 to {MAX_REPLICATES}",
                    r.replicates
                )))
            }
            _ => Ok(()),
        }
    }
}
