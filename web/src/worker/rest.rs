//! A pair's sides: a group of the column, or "the rest" ([`REST`]), every other group merged
//! against the group on the other side ("Classification vs the rest").

use std::borrow::Cow;

use filterscope_site::{Group, SiteData, SiteError, Where};
use filterscope_stats::Sketch;

use crate::protocol::{Failure, REST};

/// Whether `label`, against `other`, asks for the rest of the column (the rest against the rest
/// is no pair).
fn names_the_rest(label: &str, other: &str) -> bool {
    label == REST && other != REST
}

/// The merged sketch of side `label` of a pair against `other`, among the groups of `by`: group
/// `label`, or for [`REST`] every group but `other`.
pub(super) fn side<'a>(
    by: &str,
    groups: &'a [Group],
    label: &str,
    other: &str,
) -> Result<Cow<'a, Sketch>, Failure> {
    // A group of that name is itself: the column's own value wins.
    if names_the_rest(label, other) && !groups.iter().any(|g| g.label == REST) {
        let mut rest = groups.iter().filter(|g| g.label != other).peekable();
        if rest.peek().is_none() {
            return Err(Failure::Query(format!(
                "{by} has no group besides {other:?} among the layers that pass the filters"
            )));
        }
        let mut merged = Sketch::default();
        rest.for_each(|g| merged.merge(&g.sketch));
        return Ok(Cow::Owned(merged));
    }
    groups
        .iter()
        .find(|g| g.label == label)
        .map(|g| Cow::Borrowed(&g.sketch))
        .ok_or_else(|| {
            Failure::Query(format!(
                "{by} has no group {label:?} among the layers that pass the filters"
            ))
        })
}

/// The layers of side `label` of a pair against `other` (as [`side`] picks them) among those
/// passing `filters`. Needs the layers table.
pub fn side_layers(
    s: &SiteData,
    by: &str,
    filters: &[Where],
    label: &str,
    other: &str,
) -> Result<Vec<usize>, SiteError> {
    let own = s.group_layers(by, filters, label)?;
    // A group named like the rest has layers; the rest is then not asked for.
    if own.is_empty() && names_the_rest(label, other) {
        s.other_layers(by, filters, other)
    } else {
        Ok(own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::pair::tests::{answered_alone, site};
    use crate::worker::pair::{eigen, pair, pair_eigen, pair_samples, shares_of};
    use filterscope_stats::drift_per_component;

    #[test]
    fn a_group_against_the_rest_is_every_other_layer_of_the_column() {
        use crate::protocol::{Answer, Request};
        use filterscope_site::{Method, Part};
        let all = site();
        let rest = REST.to_string();
        for (by, a) in [("Task", "Classification"), ("conv_depth", "0")] {
            let a = a.to_string();
            // The rest: the layers with a value of the column other than `a`'s, all of them.
            let others = all.other_layers(by, &[], &a).unwrap();
            let own = all.group_layers(by, &[], &a).unwrap();
            assert!(!others.is_empty() && !own.is_empty(), "{by}");
            assert_eq!(others.len() + own.len(), all.layers().len(), "{by}");
            assert!(others.iter().all(|l| !own.contains(l)), "{by}");
            // Its counts and moments are those layers' sketches summed.
            let mut want = Sketch::default();
            for &l in &others {
                want.merge(&all.layer_sketch(l).unwrap().sketch);
            }
            let counts = all.group_sketches_for(by, &[], &Method::default()).unwrap();
            let p = pair(&all, by, &counts, &Some(a.clone()), &Some(rest.clone())).unwrap();
            assert_eq!(p.labels, [a.clone(), rest.clone()]);
            assert_eq!(
                p.shares[1],
                shares_of(want.hist.counts(), all.rule()),
                "{by}"
            );
            let a_hist = &counts.iter().find(|g| g.label == a).unwrap().sketch.hist;
            let evr = all.basis().evr;
            let d = drift_per_component(a_hist, &want.hist, &evr, all.rule());
            assert_eq!(p.d_per_component, d, "{by}");
            // Either side may be the rest.
            let q = pair(&all, by, &counts, &Some(rest.clone()), &Some(a.clone())).unwrap();
            assert_eq!(q.shares, [p.shares[1].clone(), p.shares[0].clone()], "{by}");
            // Its own PCA, from those moments.
            let whole = all.group_sketches(by, &[]).unwrap();
            let own_pca = pair_eigen(by, &whole, [&a, &rest]).unwrap();
            let got = own_pca[1].as_ref().unwrap();
            let want_pca = eigen(&want.scaled).unwrap();
            for (g, w) in got.evr.iter().zip(&want_pca.evr) {
                assert!((g - w).abs() < 1e-9, "{by}: {g} vs {w}");
            }
            // Its samples and quality: those of the other layers.
            let x = pair_samples(&all, by, &[], [&a, &rest]).unwrap();
            let with_quality = others
                .iter()
                .filter(|&&l| all.layer_quality(l).is_some())
                .count();
            assert_eq!(x.scatter[1].len(), with_quality, "{by}");
            assert_eq!(x.density[1], all.lite_density(&others).unwrap(), "{by}");
        }
        // As the worker loads it, a model-level column's rest is read from the sums as well.
        let asked = Request::Pair {
            by: "Task".into(),
            wheres: vec![],
            a: Some("Classification".into()),
            b: Some(rest.clone()),
        };
        let (Answer::Pair(first), read) = answered_alone(&asked) else {
            panic!("not a pair");
        };
        assert!(!read.contains(&Part::ModelMoments), "{read:?}");
        let counts = all
            .group_sketches_for("Task", &[], &Method::default())
            .unwrap();
        let want = pair(
            &all,
            "Task",
            &counts,
            &Some("Classification".into()),
            &Some(rest.clone()),
        );
        assert_eq!(*first, want.unwrap());
        // The rest against the rest is no pair.
        let e = pair(&all, "Task", &counts, &Some(rest.clone()), &Some(rest)).unwrap_err();
        assert!(matches!(e, Failure::Query(_)));
    }
}
