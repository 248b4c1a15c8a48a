//! Site content for tests (feature `testing`), here and in the crates that use this one: six
//! models, five layers each, with known structure. Not part of the API.

use crate::{
    encode_site, Group, LayerRow, LayerSketch, Method, ModelRow, Part, SampleRow, SiteContent,
    SiteData, Where,
};
use filterscope_stats::{
    scale_filter, Basis, BinRule, LayerQuality, Moments, Precision, Sketch, SplitMix64,
};

/// Generated content with known structure.
// One function: one recipe, read top to bottom; its numbers only make sense together.
pub fn content() -> SiteContent {
    let mut rng = SplitMix64::new(3);
    let mut uni = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
    let tasks = ["Classification", "Segmentation", "GAN-Generator"];
    let models: Vec<ModelRow> = (0..6)
        .map(|m| ModelRow {
            name: format!("m{m}"),
            values: vec![
                tasks[m % 3].to_string(),
                if m < 2 {
                    "faces".into()
                } else {
                    "natural".into()
                },
            ],
        })
        .collect();
    let mut layers = Vec::new();
    let mut raw = Vec::new();
    for m in 0..6u32 {
        for d in 0..5 {
            let n = 20 + 7 * d as usize;
            let fs: Vec<[f64; 9]> = (0..n)
                .map(|_| std::array::from_fn(|k| uni() * (1.0 + k as f64 * m as f64 / 5.0)))
                .collect();
            layers.push(LayerRow {
                layer_id: 100 + layers.len() as i64,
                model: m,
                conv_depth: d,
                conv_depth_norm: d as f64 / 4.0,
                in_channels: 1,
                out_channels: n as i64,
                n_filters: n as u64,
                values: vec![format!("conv{d}")],
            });
            raw.push(fs);
        }
    }
    let mut global = Moments::default();
    let mut sketches: Vec<LayerSketch> = raw
        .iter()
        .zip(&layers)
        .map(|(fs, l)| {
            let sketch = Sketch::of_layer(fs, Precision::F64);
            global.merge(&sketch.scaled);
            LayerSketch {
                quality: LayerQuality::measure(fs, l.out_channels as usize, &sketch),
                sketch,
            }
        })
        .collect();
    let basis = Basis::from_moments(&global).unwrap();
    let coefs: Vec<Vec<[f64; 9]>> = raw
        .iter()
        .map(|fs| fs.iter().map(|f| basis.project(&scale_filter(f))).collect())
        .collect();
    let lo = coefs
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let hi = coefs
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let rule = BinRule::new(lo, hi);
    for (s, cs) in sketches.iter_mut().zip(&coefs) {
        for c in cs {
            assert!(s.sketch.hist.add(&rule, c));
        }
    }
    let samples = raw
        .iter()
        .enumerate()
        .flat_map(|(l, fs)| {
            fs.iter().take(3).enumerate().map(move |(i, f)| SampleRow {
                layer: l as u32,
                index: i as u32,
                weights: f.map(|v| v as f32),
            })
        })
        .collect();
    SiteContent {
        producer: "test".into(),
        source: "generated".into(),
        provenance: crate::Provenance::synthetic(1),
        models,
        model_columns: vec!["Task".into(), "Visual Category".into()],
        layers,
        layer_columns: vec!["layer_name".into()],
        sketches,
        samples,
        basis,
        coef_range: [rule.lo, rule.hi],
        precision: Precision::F64,
        label_rules: Vec::new(),
        corrections: Vec::new(),
        sample_per_layer: 3,
        sample_seed: 1,
    }
}

/// `content` written as a site and read back whole, as a browser holds it once every part is in.
pub fn loaded(content: &SiteContent) -> SiteData {
    let (mut s, files) = opened(content);
    let all = s.all_parts();
    add(&mut s, &files, &all);
    s
}

/// `content` written as a site (small chunks, so that there are several), and the site as a
/// browser opens it: the manifest and the models table.
pub fn opened(content: &SiteContent) -> (SiteData, Vec<(String, Vec<u8>)>) {
    open(encode_site(content, 2).expect("encodes"))
}

/// [`opened`], the intervals of every layer-level column stored however few its cells (a site
/// stores them only for columns with many: [`crate::STORED_INTERVALS_FROM`]).
pub fn opened_storing_intervals(content: &SiteContent) -> (SiteData, Vec<(String, Vec<u8>)>) {
    open(crate::format::writer::encode_site_storing(content, 2, 0).expect("encodes"))
}

fn open(files: Vec<(String, Vec<u8>)>) -> (SiteData, Vec<(String, Vec<u8>)>) {
    let get = |name: &str| &files.iter().find(|(n, _)| n == name).expect("written").1;
    let json = std::str::from_utf8(get("manifest.json")).expect("utf-8");
    let s = SiteData::new(json, get(&SiteData::entry_of(json, Part::Models))).expect("opens");
    (s, files)
}

/// The groups of `by` under `filters` merged from every per-layer sketch in layer order, as the
/// browser's worker streams them (`s` must hold every sketch chunk): the path the smaller tables
/// are held to.
pub fn streamed(s: &SiteData, by: &str, filters: &[Where], method: &Method) -> Vec<Group> {
    let mut g = s.layer_grouping(by, filters, method).expect("a grouping");
    let n = s.layers().len();
    s.add_layers(
        &mut g,
        (0..n).map(|l| (l, &s.layer_sketch(l).expect("every chunk loaded").sketch)),
    );
    g.finish()
}

/// Adds `parts` to `s` from the site's `files`.
pub fn add(s: &mut SiteData, files: &[(String, Vec<u8>)], parts: &[Part]) {
    for &p in parts {
        let file = s.entry(p).expect("listed").file.clone();
        let bytes = &files.iter().find(|(n, _)| *n == file).expect("written").1;
        s.add_bytes(p, bytes).expect("adds");
    }
}
