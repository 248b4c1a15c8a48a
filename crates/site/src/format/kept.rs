//! What the summed tables keep of a sketch: a cell its counts, a total its counts and scaled
//! moments, a sum of shares its counts as one model's part.

use filterscope_stats::Sketch;

use crate::query::member_counts::MemberCounts;

/// Counts only: what a cell holds (a comparison reads nothing else; a subset PCA of a model's
/// part is never asked).
pub(super) fn counts_of(s: &Sketch) -> Sketch {
    Sketch {
        scaled: filterscope_stats::Moments {
            n: s.n(),
            ..Default::default()
        },
        raw: Default::default(),
        max_abs: s.max_abs,
        n_sparse: s.n_sparse,
        hist: s.hist.clone(),
    }
}

/// What a table of both parts stores of `s`: counts and scaled moments (raw-weight moments are
/// not stored, so not summed either).
pub(super) fn stored(s: &Sketch) -> Sketch {
    Sketch {
        raw: Default::default(),
        ..s.clone()
    }
}

/// A sketch's counts as one model's part of a group.
pub(super) fn member(s: &Sketch) -> MemberCounts {
    let mut m = MemberCounts::default();
    m.merge(&s.hist);
    m
}
