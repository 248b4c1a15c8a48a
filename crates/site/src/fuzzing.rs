//! The fuzz targets' bodies (`fuzz/fuzz_targets/`), here so that the regression tests replay
//! every input ever found (`fuzz/regressions/`) through the very same code. Behind the
//! `fuzzing` feature: not part of the crate's API.

use std::sync::OnceLock;

use crate::{read_batches, FileEntry, IncomingFile, Manifest, Part, SiteData};
use crate::{Order, Where, YoursSketch};

const MANIFEST: &str = include_str!("../../../fuzz/site/manifest.json");
const MODELS: &[u8] = include_bytes!("../../../fuzz/site/models.arrow");
const LAYERS: &[u8] = include_bytes!("../../../fuzz/site/layers.arrow");
/// The sample's first model-level column with per-(value, bucket) sums, in `values`.
const SAMPLE_BY_DEPTH: usize = 4;
/// The depth bucket whose file of conv_depth's sums the fixture holds.
const SAMPLE_BUCKET: usize = 3;

/// A model file a visitor drops on the page (ONNX, safetensors, PyTorch: told apart by content),
/// as the browser's worker takes it: read a layer at a time, each 3x3 layer measured on the
/// sample site's terms, and the model ranked against it.
pub fn onnx(data: &[u8]) {
    let site = sample();
    if let Ok((sketch, _)) =
        site.measure_file("fuzzed", data.to_vec(), &filterscope_onnx::NoExternalData)
    {
        site.rank(&sketch).expect("a measured model ranks");
    }
}

/// A manifest.json from any `?data=` URL: parsed, then asked what the page derives from it.
pub fn manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = Manifest::parse(text) {
        let _ = m.basis();
        let _ = m.bin_rule();
        let _ = m.precision();
        let _ = m.files();
    }
}

/// A table file as the worker receives it: verified against an entry made from its own bytes
/// (as a hostile host would publish it, so that fuzzing reaches the decoders), in two pieces,
/// decoded and added to the sample site. The first byte picks the part.
pub fn site_chunk(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    // Picks 64 and over store the table deflated: from 128 the input deflated (the IPC decoders
    // fuzzed behind a sound zlib stream), from 64 the input as the zlib stream itself.
    let deflated;
    let (entry, bytes) = match pick / 64 {
        0 => (FileEntry::of("fuzzed.arrow", bytes), bytes),
        1 => {
            let claimed = (bytes.len() as u64 * 4).max(1);
            (FileEntry::deflated("fuzzed.arrow", bytes, claimed), bytes)
        }
        _ => {
            deflated = miniz_oxide::deflate::compress_to_vec_zlib(bytes, 1);
            let e = FileEntry::deflated("fuzzed.arrow", &deflated, bytes.len() as u64);
            (e, &deflated[..])
        }
    };
    let mut incoming = IncomingFile::new(&entry);
    let (a, b) = bytes.split_at(bytes.len() / 2);
    if incoming.push(a).is_err() || incoming.push(b).is_err() {
        return;
    }
    let Ok(batches) = incoming.finish() else {
        return;
    };
    // Residues 55 to 63 of each deflate mode's range are tables added after the others (so
    // that the seeds and regressions keep the parts they were written for; 59 was the whole
    // per-(value, bucket) sums of conv_depth before they were cut in chunks and bucket files).
    let part = match pick % 17 {
        _ if pick % 64 == 55 => Part::ValueSpread(0, 0),
        _ if pick % 64 == 56 => Part::BucketShares(0, SAMPLE_BUCKET),
        _ if pick % 64 == 57 => Part::ValueDepthShareChunk(0, 0),
        _ if pick % 64 == 58 => Part::BucketValues(0, SAMPLE_BUCKET),
        _ if pick % 64 == 59 => Part::ValueDepthChunk(0, 0),
        _ if pick % 64 == 60 => Part::AmongShares(0, 0),
        _ if pick % 64 == 61 => Part::AmongTotals(0, 0),
        _ if pick % 64 == 63 => Part::ModelBuckets,
        _ if pick % 64 == 62 => Part::ValueDepthShares(SAMPLE_BY_DEPTH),
        16 => Part::DepthShares,
        15 => Part::ValueShares(0),
        14 => Part::ValueDepths(SAMPLE_BY_DEPTH),
        10 => Part::ValueTotals(0),
        11 => Part::ValueCells(0, 0),
        12 => Part::LiteCells,
        13 => Part::RollupMoments,
        0 => Part::ModelCounts,
        1 => Part::ModelMoments,
        2 => Part::Depths,
        3 => Part::Rollups,
        4 => Part::Layers,
        5 => Part::Quality,
        6 => Part::LiteSamples(0),
        7 => Part::Sketches(0),
        8 => Part::Samples(0),
        _ => {
            // The models table, which comes with the manifest.
            let _ = SiteData::new(MANIFEST, bytes);
            return;
        }
    };
    let mut site = SiteData::new(MANIFEST, MODELS).expect("the sample site opens");
    if !matches!(part, Part::Layers) {
        // Some parts are read against the layers table.
        let layers = read_batches("layers.arrow", LAYERS).expect("the sample's layers decode");
        site.add(Part::Layers, layers)
            .expect("the sample's layers add");
    }
    let _ = site.add(part, batches);
}

/// The sample site's parts the queries read, with their bytes.
const SAMPLE_PARTS: &[(Part, &[u8])] = &[
    (
        Part::ModelCounts,
        include_bytes!("../../../fuzz/site/model-counts.arrow"),
    ),
    (
        Part::ModelMoments,
        include_bytes!("../../../fuzz/site/model-moments.arrow"),
    ),
    (
        Part::Depths,
        include_bytes!("../../../fuzz/site/depths.arrow"),
    ),
    (
        Part::Rollups,
        include_bytes!("../../../fuzz/site/rollups.arrow"),
    ),
    (
        Part::RollupMoments,
        include_bytes!("../../../fuzz/site/rollup-moments.arrow"),
    ),
    (
        Part::LiteCells,
        include_bytes!("../../../fuzz/site/lite-cells.arrow"),
    ),
    (Part::Layers, LAYERS),
    (
        Part::ValueTotals(0),
        include_bytes!("../../../fuzz/site/values-0.arrow"),
    ),
    (
        Part::ValueCells(0, 0),
        include_bytes!("../../../fuzz/site/cells-0-0000.arrow"),
    ),
    (
        Part::ValueDepths(SAMPLE_BY_DEPTH),
        include_bytes!("../../../fuzz/site/values-4-depth.arrow"),
    ),
    (
        Part::ValueShares(0),
        include_bytes!("../../../fuzz/site/values-0-models.arrow"),
    ),
    (
        Part::DepthShares,
        include_bytes!("../../../fuzz/site/depths-models.arrow"),
    ),
    (
        Part::ValueDepthShares(SAMPLE_BY_DEPTH),
        include_bytes!("../../../fuzz/site/values-4-depth-models.arrow"),
    ),
    (
        Part::ModelBuckets,
        include_bytes!("../../../fuzz/site/model-buckets.arrow"),
    ),
    (
        Part::ValueDepthChunk(0, 0),
        include_bytes!("../../../fuzz/site/values-0-depth-000.arrow"),
    ),
    (
        Part::BucketValues(0, SAMPLE_BUCKET),
        include_bytes!("../../../fuzz/site/values-0-bucket.arrow"),
    ),
    (
        Part::ValueDepthShareChunk(0, 0),
        include_bytes!("../../../fuzz/site/values-0-depth-models-000.arrow"),
    ),
    (
        Part::BucketShares(0, SAMPLE_BUCKET),
        include_bytes!("../../../fuzz/site/values-0-bucket-models.arrow"),
    ),
    (
        Part::AmongTotals(0, 0),
        include_bytes!("../../../fuzz/site/values-0-among-2-000.arrow"),
    ),
    (
        Part::AmongShares(0, 0),
        include_bytes!("../../../fuzz/site/values-0-among-2-000-models.arrow"),
    ),
    (
        Part::ValueSpread(0, 0),
        include_bytes!("../../../fuzz/site/values-0-spread.arrow"),
    ),
    (
        Part::Quality,
        include_bytes!("../../../fuzz/site/quality.arrow"),
    ),
    (
        Part::Sketches(0),
        include_bytes!("../../../fuzz/site/sketches-0000.arrow"),
    ),
];

/// The sample site with every part the queries read.
fn sample() -> &'static SiteData {
    static SITE: OnceLock<SiteData> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut s = SiteData::new(MANIFEST, MODELS).expect("the sample site opens");
        for &(part, bytes) in SAMPLE_PARTS {
            s.add_bytes(part, bytes).expect("the sample's parts add");
        }
        s
    })
}

/// A page URL's query and fragment, as anyone may write one: its parameters parsed as the page
/// parses them (`by`, `where`, `order`; the fragment as a shared model), and the queries they
/// make the worker run on the sample site.
pub fn route(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (query, fragment) = text.split_once('#').unwrap_or((text, ""));
    let (mut by, mut wheres) = ("Task", vec![]);
    for pair in query.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "by" => by = v,
            "where" => wheres.extend(v.parse::<Where>()),
            "order" => drop(v.parse::<Order>()),
            _ => {}
        }
    }
    let site = sample();
    if let Ok(c) = site.compare(by, &wheres) {
        let _ = c.order(Order::Cluster);
    }
    let _ = site.quality_by(by, &wheres);
    let _ = site.column_values(by);
    if let Some(link) = fragment.strip_prefix("yours=") {
        if let Ok(sketch) = YoursSketch::from_link(link) {
            let _ = site.rank(&sketch);
        }
    }
}

/// A shared Your-model link's fragment: decoded and checked; what passes reads back the same
/// once encoded again.
pub fn yours_link(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = YoursSketch::from_link(text) {
        let again =
            YoursSketch::from_link(&s.links()[0].fragment).expect("a re-encoded link reads");
        assert_eq!((again.counts, again.buckets), (s.counts, s.buckets));
    }
}

/// Runs every input of the fuzz target `target` that fuzz/seeds and fuzz/regressions hold through
/// `run` (the regression tests of this crate and of data-prep); panics if there are none.
pub fn replay(target: &str, run: fn(&[u8])) {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else {
            continue;
        };
        for e in entries {
            let path = e.expect("a readable folder").path();
            run(&std::fs::read(&path).expect("a readable input"));
            n += 1;
        }
    }
    assert!(n > 0, "no inputs for {target}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `route` seeds reach the merges of a layer-level column's per-(value, bucket) sums
    /// and sums of shares: the fixture holds the chunks and the bucket files those views read,
    /// so they compute.
    #[test]
    fn the_sample_answers_from_both_cuts_of_the_per_bucket_sums() {
        let s = sample();
        let bucket = filterscope_stats::DEPTH_LABELS[SAMPLE_BUCKET];
        let w = |column: &str, value: &str| Where {
            column: column.into(),
            value: value.into(),
        };
        let models = crate::Method {
            weight: crate::Weight::Models,
            ..Default::default()
        };
        for (by, filter, part, shares) in [
            (
                "depth",
                w("conv_depth", "1"),
                Part::ValueDepthChunk(0, 0),
                Part::ValueDepthShareChunk(0, 0),
            ),
            (
                "conv_depth",
                w("depth", bucket),
                Part::BucketValues(0, SAMPLE_BUCKET),
                Part::BucketShares(0, SAMPLE_BUCKET),
            ),
        ] {
            let filters = [filter];
            assert_eq!(s.compare_needs(by, &filters).unwrap(), [part]);
            assert!(!s.compare(by, &filters).unwrap().groups.is_empty(), "{by}");
            let needs = s.compare_needs_with(by, &filters, &models).unwrap();
            assert_eq!(needs, [shares]);
            let c = s.compare_with(by, &filters, &models).unwrap();
            assert!(!c.groups.is_empty(), "{by}");
        }
    }

    /// The fixture's stored intervals answer intervals by conv_depth, as a `site_chunk` seed
    /// (residue 55) adds them.
    #[test]
    fn the_sample_answers_intervals_by_conv_depth_from_its_stored_file() {
        let s = sample();
        let ci = crate::Method {
            resampling: Some(crate::Resampling::default()),
            ..Default::default()
        };
        let needs = s.compare_needs_with("conv_depth", &[], &ci).unwrap();
        assert_eq!(needs, [Part::ValueTotals(0), Part::ValueSpread(0, 0)]);
        let c = s.compare_with("conv_depth", &[], &ci).unwrap();
        assert!(c.ci.is_some() && c.groups.len() > 2);
    }
}
