//! The stored intervals and floors of grouping by each layer-level column (`values-K-spread`,
//! `values-K-spread-models`), written last but the manifest: each is the comparison a reader
//! would resample from the column's (value, model) counts, run here on the site's own files by
//! the same code, so its numbers are that comparison's to the bit.

use crate::format::named::Files;
use crate::format::tables::{self, StoredSpread};
use crate::{Manifest, Method, Part, Resampling, SiteData, SiteError, SpreadEntry, Weight};

/// The resampling stored: the page's default (1000 replicates, seed 0), what a visitor who
/// turns intervals on asks for and what a shared link with `ci=1000` holds. Any other is
/// computed from the counts.
fn stored_resampling() -> Resampling {
    Resampling::default()
}

/// Adds each layer-level column's stored intervals, for both weights, to `files` and `m`
/// (whose other files `files` must hold).
pub(crate) fn add_spreads(files: &mut Files, m: &mut Manifest) -> Result<(), SiteError> {
    for k in 0..m.values.len() {
        // A layer-level column's values have sums of shares; a model-level one's do not.
        if m.values[k].model_shares.is_none() {
            continue;
        }
        let mut entries = vec![];
        for (weight, stem) in [
            (Weight::Filters, "spread"),
            (Weight::Models, "spread-models"),
        ] {
            let Some(s) = spread_of(files, m, k, weight)? else {
                continue;
            };
            let r = stored_resampling();
            let e = files.put(&format!("values-{k}-{stem}"), tables::encode_spread(&s))?;
            entries.push(SpreadEntry {
                entry: e,
                weight,
                replicates: r.replicates,
                seed: r.seed,
            });
        }
        m.values[k].spread = entries;
    }
    Ok(())
}

/// The intervals and floors of grouping `values[k]`'s column by `weight`, computed as a reader
/// computes them without stored ones; none for fewer than two groups.
fn spread_of(
    files: &Files,
    m: &Manifest,
    k: usize,
    weight: Weight,
) -> Result<Option<StoredSpread>, SiteError> {
    let file = |name: &str| -> Result<&[u8], SiteError> {
        files
            .0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
            .ok_or_else(|| SiteError::Query(format!("{name} was not written")))
    };
    let mut s = SiteData::new(&m.to_json(), file(&m.models.file)?)?;
    let by = m.values[k].column.as_str();
    let method = Method {
        weight,
        min_models: 0,
        resampling: Some(stored_resampling()),
    };
    let add = |s: &mut SiteData, p: Part| -> Result<(), SiteError> {
        let name = s.entry(p).expect("a needed part is listed").file.clone();
        s.add_bytes(p, file(&name)?)
    };
    let groups = match s.streamed_cells(by, &[], Some(&method))? {
        // As the browser's worker does: each chunk of cells merged and dropped.
        Some(cells) if s.needs_layers(by, &[], Some(&method))? => {
            add(&mut s, Part::Layers)?;
            let mut g = s.layer_grouping(by, &[], &method)?;
            for p in cells {
                let name = s.entry(p).expect("a cells chunk is listed").file.clone();
                let mut f = s.incoming(p)?;
                f.push(file(&name)?)?;
                s.add_cells(&mut g, p, Some(f.finish()?))?;
            }
            g.finish()
        }
        _ => {
            for p in s.compare_needs_with(by, &[], &method)? {
                add(&mut s, p)?;
            }
            s.group_sketches_for(by, &[], &method)?
        }
    };
    if groups.len() < 2 {
        return Ok(None);
    }
    let c = s.compare_groups(by, &groups, &method, &mut |_, _| {})?;
    let (Some(ci), Some(floor)) = (c.ci, c.floor) else {
        return Ok(None);
    };
    Ok(Some(StoredSpread {
        groups: c.groups,
        n_models: c.n_models,
        low: ci.low,
        high: ci.high,
        floor,
    }))
}
