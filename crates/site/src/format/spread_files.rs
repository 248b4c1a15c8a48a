//! The stored intervals and floors of grouping by each layer-level column, over every model
//! (`values-K-spread`, `values-K-spread-models`) and among each model-level value's models
//! (`values-K-among-C-NNN-spread`, `-spread-models`), written last but the manifest: each is the
//! comparison a reader would resample from the column's (value, model) counts, run here on the
//! site's own files by the same code (as the browser's worker merges the streamed cells), so its
//! numbers are that comparison's to the bit.

use crate::format::named::Files;
use crate::format::tables::{self, StoredSpread};
use crate::{Manifest, Method, Part, Resampling, SiteData, SiteError, SpreadEntry, Weight, Where};

/// The resampling stored: the page's default (1000 replicates, seed 0), what a visitor who
/// turns intervals on asks for and what a shared link with `ci=1000` holds. Any other is
/// computed from the counts.
fn stored_resampling() -> Resampling {
    Resampling::default()
}

/// Cells a column must have (their bytes) for its intervals to be stored. Below it a browser
/// resamples them in a moment after a download of tens of kilobytes, and computing them here
/// would cost every build of a small site (each is a thousand resamples, and a column has one per
/// model-level value beside its own) for nothing: the sample's columns have 5-20 KB of cells, the
/// full DB's conv_depth 10.7 MB.
pub const STORED_INTERVALS_FROM: u64 = 64 * 1024;

/// Adds each layer-level column's stored intervals, for both weights, over every model and
/// among each `among` entry's models, to `files` and `m` (whose other files `files` must hold),
/// for each column with at least `from_bytes` of cells.
pub(crate) fn add_spreads(
    files: &mut Files,
    m: &mut Manifest,
    from_bytes: u64,
) -> Result<(), SiteError> {
    for k in 0..m.values.len() {
        // A layer-level column's values have sums of shares; a model-level one's do not.
        let cells: u64 = m.values[k].cells.iter().map(|c| c.entry.bytes).sum();
        if m.values[k].model_shares.is_none() || cells < from_bytes {
            continue;
        }
        let s = with_cells(files, m, k)?;
        let stem = format!("values-{k}");
        m.values[k].spread = spreads(files, &s, k, &[], &stem)?;
        for e in 0..m.values[k].among.len() {
            let a = &m.values[k].among[e];
            let among = [Where {
                column: a.column.clone(),
                value: a.value.clone(),
            }];
            // The among files' stem: `values-K-among-C-NNN`.
            let stem = a
                .totals
                .file
                .rsplit_once('-')
                .map_or("", |(s, _)| s)
                .to_string();
            m.values[k].among[e].spread = spreads(files, &s, k, &among, &stem)?;
        }
    }
    Ok(())
}

/// The site with its layers table and every cells chunk of `values[k]` loaded.
fn with_cells(files: &Files, m: &Manifest, k: usize) -> Result<SiteData, SiteError> {
    let file = |name: &str| -> Result<&[u8], SiteError> {
        files
            .0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
            .ok_or_else(|| SiteError::Query(format!("{name} was not written")))
    };
    let mut s = SiteData::new(&m.to_json(), file(&m.models.file)?)?;
    let cells = (0..m.values[k].cells.len()).map(|j| Part::ValueCells(k, j));
    for p in std::iter::once(Part::Layers).chain(cells) {
        let name = s.entry(p).expect("a written part is listed").file.clone();
        s.add_bytes(p, file(&name)?)?;
    }
    Ok(s)
}

/// The stored intervals of grouping by `values[k]`'s column (its cells loaded in `s`) under
/// `filters`, both weights, as files named from `stem`; none for fewer than two groups. They are
/// computed as a reader computes them without stored ones: the cells merged chunk by chunk, each
/// model's part kept and resampled. The groups are the same for both weights (each model's part
/// is kept either way; the weight only says how the parts add up), so they are merged once.
fn spreads(
    files: &mut Files,
    s: &SiteData,
    k: usize,
    filters: &[Where],
    stem: &str,
) -> Result<Vec<SpreadEntry>, SiteError> {
    let r = stored_resampling();
    let method = |weight| Method {
        weight,
        min_models: 0,
        resampling: Some(r),
    };
    let by = s.manifest().values[k].column.clone();
    let mut g = s.layer_grouping(&by, filters, &method(Weight::Filters))?;
    for j in 0..s.manifest().values[k].cells.len() {
        s.add_cells(&mut g, Part::ValueCells(k, j), None)?;
    }
    let groups = g.finish();
    if groups.len() < 2 {
        return Ok(vec![]);
    }
    let mut out = vec![];
    for (weight, tail) in [
        (Weight::Filters, "spread"),
        (Weight::Models, "spread-models"),
    ] {
        let c = s.compare_groups(&by, &groups, &method(weight), &mut |_, _| {})?;
        let (Some(ci), Some(floor)) = (c.ci, c.floor) else {
            continue;
        };
        let spread = StoredSpread {
            groups: c.groups,
            n_models: c.n_models,
            low: ci.low,
            high: ci.high,
            floor,
        };
        let e = files.put(&format!("{stem}-{tail}"), tables::encode_spread(&spread))?;
        out.push(SpreadEntry {
            entry: e,
            weight,
            replicates: r.replicates,
            seed: r.seed,
        });
    }
    Ok(out)
}
