//! The fuzz targets' bodies (`fuzz/fuzz_targets/`), here so that the regression tests replay
//! every input ever found (`fuzz/regressions/`) through the very same code. Behind the
//! `fuzzing` feature: not part of the crate's API.

use crate::YoursSketch;
use crate::{read_batches, FileEntry, ForeignLayer, IncomingFile, Manifest, Part, SiteData};

const MANIFEST: &str = include_str!("../../../fuzz/site/manifest.json");
const MODELS: &[u8] = include_bytes!("../../../fuzz/site/models.arrow");
const LAYERS: &[u8] = include_bytes!("../../../fuzz/site/layers.arrow");

/// An ONNX file a visitor drops on the page: read, its 3x3 layers taken.
pub fn onnx(data: &[u8]) {
    if let Ok(convs) = filterscope_onnx::read_model(data, &filterscope_onnx::NoExternalData) {
        for l in ForeignLayer::of_model(convs) {
            let _ = filterscope_stats::check_finite(&l.filters);
        }
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
    let entry = FileEntry::of("fuzzed.arrow", bytes);
    let mut incoming = IncomingFile::new(&entry);
    let (a, b) = bytes.split_at(bytes.len() / 2);
    if incoming.push(a).is_err() || incoming.push(b).is_err() {
        return;
    }
    let Ok(batches) = incoming.finish() else {
        return;
    };
    let part = match pick % 10 {
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
