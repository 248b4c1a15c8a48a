//! What the data worker computes for each [`Request`]: the parts it needs and, once they are in,
//! its answer. Plain functions over [`SiteData`], so they run (and are tested) natively as well.

use filterscope_site::{
    FileReport, Group, Method, Part, SiteData, SiteError, YoursSketch, MAX_GROUPS,
};
use filterscope_stats::drift;

use super::pair::{centres, grid_layers, pair, pair_eigen, pair_samples, shares_of};
use super::rest::side_layers;
use crate::protocol::{Answer, BetweenAnswer, Failure, ModelAnswer, Request, YoursAnswer};

/// Sampled filters shown per layer in the model view, and in all.
pub const PER_LAYER: usize = 6;
pub const MAX_FILTERS: usize = 96;

/// The layers of model `mi` (the layers table must be in), by depth.
fn layers_of(s: &SiteData, mi: u32) -> Vec<usize> {
    let mut l: Vec<usize> = (0..s.layers().len())
        .filter(|&i| s.layers()[i].model == mi)
        .collect();
    l.sort_by(|&a, &b| {
        s.layers()[a]
            .conv_depth_norm
            .total_cmp(&s.layers()[b].conv_depth_norm)
            .then(a.cmp(&b))
    });
    l
}

/// The answer to a layer-level `request` from its streamed `groups`; `progress` hears how far a
/// resampling is (replicates and splits done, of all).
pub fn compute_from_groups(
    s: &SiteData,
    request: &Request,
    groups: &[Group],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Answer, Failure> {
    match request {
        Request::Compare { by, method, .. } => Ok(Answer::Compare(Box::new(
            s.compare_groups(by, groups, method, progress)
                .map_err(Failure::query)?,
        ))),
        Request::Pair { by, a, b, .. } => Ok(Answer::Pair(Box::new(pair(s, by, groups, a, b)?))),
        Request::PairEigen { by, a, b, .. } => {
            Ok(Answer::PairEigen(pair_eigen(by, groups, [a, b])?))
        }
        _ => Err(Failure::Message("not a grouping request".into())),
    }
}

/// The parts `request` reads, given what is loaded (a model's chunks are known only once the
/// layers table is in: then they are asked for too).
pub fn needs(s: &SiteData, request: &Request) -> Result<Vec<Part>, SiteError> {
    Ok(match request {
        Request::Compare {
            by,
            wheres: w,
            method,
        } => s.compare_needs_with(by, w, method)?,
        Request::Values { column } => s.values_needs(column)?,
        Request::Pair { by, wheres: w, .. } => {
            let mut n = s.compare_needs_with(by, w, &Method::default())?;
            n.extend(s.values_needs(by)?);
            n
        }
        Request::PairEigen { by, wheres: w, .. } => s.group_needs(by, w, true)?,
        Request::PairSamples {
            by,
            wheres: w,
            a,
            b,
        } => {
            // The groups' layers, and which have lite samples, are known once the layers table
            // and the lite cells are in: then the lite chunks of the layers the grids show.
            let mut n = vec![Part::Layers, Part::Quality, Part::LiteCells];
            if s.has(Part::Layers) && s.has(Part::LiteCells) {
                let mut shown = grid_layers(s, &side_layers(s, by, w, a, b)?);
                shown.extend(grid_layers(s, &side_layers(s, by, w, b, a)?));
                // Each chunk once, however many of both groups' layers it holds.
                n.extend(s.chunks_of(Part::LiteSamples, &shown));
            }
            n
        }
        Request::Yours { .. } | Request::YoursShared { .. } | Request::Between { .. } => {
            s.yours_needs()
        }
        // And what a pair of each ranked column's groups reads: the view compares the model's
        // distributions with a chosen group's, which must not fetch once a file is chosen.
        Request::YoursPrepare => {
            let mut n = s.yours_needs();
            for c in &s.manifest().model_columns {
                if (2..=MAX_GROUPS).contains(&s.column_values(c)?.len()) {
                    n.extend(s.compare_needs(c, &[])?);
                }
            }
            n.sort();
            n.dedup();
            n
        }
        Request::Quality { by, wheres: w } => s.quality_needs(by, w)?,
        Request::Model { model } => {
            if *model as usize >= s.models().len() {
                return Err(SiteError::Query(format!("no model {model}")));
            }
            if !s.has(Part::Layers) {
                vec![Part::Layers]
            } else {
                let layers = layers_of(s, *model);
                let mut n = vec![Part::Layers, Part::Depths];
                n.extend(s.chunks_of(Part::Sketches, &layers));
                n.extend(s.chunks_of(Part::Samples, &layers));
                n
            }
        }
    })
}

/// The answer to `request`, once [`needs`] is loaded; `progress` as for [`compute_from_groups`].
pub fn compute(
    s: &SiteData,
    request: &Request,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Answer, Failure> {
    let e = Failure::query;
    Ok(match request {
        Request::Compare {
            by,
            wheres: w,
            method,
        } => {
            let c = s
                .compare_with_progress(by, w, method, progress)
                .map_err(e)?;
            Answer::Compare(Box::new(c))
        }
        Request::Values { column } => Answer::Values(s.column_values(column).map_err(e)?),
        Request::Pair {
            by,
            wheres: w,
            a,
            b,
        } => {
            let groups = s.group_sketches_for(by, w, &Method::default()).map_err(e)?;
            Answer::Pair(Box::new(pair(s, by, &groups, a, b)?))
        }
        Request::PairEigen {
            by,
            wheres: w,
            a,
            b,
        } => {
            let groups = s.group_sketches(by, w).map_err(e)?;
            Answer::PairEigen(pair_eigen(by, &groups, [a, b])?)
        }
        Request::PairSamples {
            by,
            wheres: w,
            a,
            b,
        } => Answer::PairSamples(Box::new(pair_samples(s, by, w, [a, b])?)),
        Request::Model { model } => Answer::Model(Box::new(model_answer(s, *model)?)),
        Request::YoursPrepare => Answer::Prepared,
        Request::Quality { by, wheres: w } => {
            Answer::Quality(Box::new(s.quality_by(by, w).map_err(e)?))
        }
        Request::Yours { .. } => {
            return Err(Failure::Message(
                "a model's bytes come with the request".into(),
            ))
        }
        Request::YoursShared { link } => {
            let sketch = YoursSketch::from_link(link).map_err(e)?;
            yours_answer(s, sketch, None)?
        }
        Request::Between { models } => {
            let between = s.between(models).map_err(Failure::query)?;
            let comparison = between.comparison(models);
            Answer::Between(Box::new(BetweenAnswer {
                between,
                comparison,
            }))
        }
    })
}

/// A visitor's model file (ONNX, self-contained; safetensors; PyTorch), read from its bytes,
/// against the site: what `data-prep yours` computes.
/// Each layer is measured as soon as its weights are decoded, and dropped: the tab holds the
/// file and one layer's weights, never every weight at once.
pub fn yours(s: &SiteData, name: &str, bytes: Vec<u8>) -> Result<Answer, Failure> {
    let (sketch, file) = s
        .measure_file(name, bytes, &filterscope_onnx::NoExternalData)
        .map_err(|e| Failure::Model(e.to_string()))?;
    yours_answer(s, sketch, Some(file))
}

/// A measured foreign model's report, and the links that share it.
fn yours_answer(
    s: &SiteData,
    sketch: YoursSketch,
    file: Option<FileReport>,
) -> Result<Answer, Failure> {
    let mut report = s.rank(&sketch).map_err(Failure::query)?;
    report.file = file;
    let rule = s.rule();
    let shares = [
        shares_of(&report.counts, rule),
        shares_of(&report.site_counts, rule),
    ];
    Ok(Answer::Yours(Box::new(YoursAnswer {
        report,
        links: sketch.links(),
        sketch,
        x: centres(rule),
        shares,
    })))
}

fn model_answer(s: &SiteData, mi: u32) -> Result<ModelAnswer, Failure> {
    let global = s.global_sketch().map_err(Failure::data)?;
    let evr = s.basis().evr;
    let layers = layers_of(s, mi);
    let mut a = ModelAnswer {
        model: mi,
        x: vec![],
        sparsity: vec![],
        entropy_ratio: vec![],
        orthogonality: vec![],
        degenerated: vec![],
        drift: vec![],
        filters: vec![],
        captions: vec![],
    };
    for &l in &layers {
        let sk = s
            .layer_sketch(l)
            .ok_or_else(|| Failure::Data(format!("layer {l}'s sketch is not loaded")))?;
        a.x.push(s.layers()[l].conv_depth_norm);
        a.sparsity.push(sk.quality.sparsity);
        a.entropy_ratio.push(sk.quality.entropy_ratio);
        a.orthogonality
            .push(sk.quality.orthogonality.unwrap_or(f64::NAN));
        a.degenerated.push(sk.quality.degenerated);
        a.drift
            .push(drift(&sk.sketch.hist, &global.hist, &evr, s.rule()));
    }
    // Samples in layer order (the table's order), six per layer.
    let mut in_order = layers.clone();
    in_order.sort();
    for l in in_order {
        for (k, r) in s.layer_samples(l).iter().take(PER_LAYER).enumerate() {
            a.filters.push(r.weights.map(|w| w as f64));
            a.captions.push(if k == 0 {
                format!("L{}", s.layers()[l].layer_id)
            } else {
                String::new()
            });
        }
        if a.filters.len() >= MAX_FILTERS {
            break;
        }
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::pair::tests::{answered_alone, site};
    use filterscope_site::testing::streamed;
    use filterscope_site::Weight;

    /// Weighed by models, a comparison by a layer-level column reads its values' sums of model
    /// shares, by depth the buckets', and nothing per layer or per model, and says what the
    /// streamed path says.
    #[test]
    fn weighed_by_models_by_conv_depth_or_depth_reads_the_shares_only() {
        let method = Method {
            weight: Weight::Models,
            ..Default::default()
        };
        for (by, part) in [
            ("conv_depth", Part::ValueShares(0)),
            ("depth", Part::DepthShares),
        ] {
            let asked = Request::Compare {
                by: by.into(),
                wheres: vec![],
                method,
            };
            let (Answer::Compare(got), read) = answered_alone(&asked) else {
                panic!("not a comparison");
            };
            assert!(read.contains(&part), "{read:?}");
            assert!(
                !read.iter().any(|p| matches!(
                    p,
                    Part::Sketches(_)
                        | Part::ValueCells(..)
                        | Part::ModelCounts
                        | Part::Layers
                        | Part::Rollups
                )),
                "{read:?}"
            );
            let all = site();
            let groups = streamed(&all, by, &[], &method);
            let Answer::Compare(want) =
                compute_from_groups(&all, &asked, &groups, &mut |_, _| {}).unwrap()
            else {
                panic!("not a comparison");
            };
            assert_eq!(got.weight, Weight::Models);
            assert_eq!(got, want, "{by}");
        }
    }
}
