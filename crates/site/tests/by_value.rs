//! The per-value files of layer-level and model-level columns: which groupings read them (and
//! only the chunks of the values filtered on), and that they give exactly what the per-layer
//! sketches give, D, counts, intervals and all.

mod common;

use common::content;
use filterscope_site::{encode_site, Method, Part, Resampling, SiteData, Weight, Where};

type Files = Vec<(String, Vec<u8>)>;

fn get<'a>(files: &'a Files, name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

fn load(files: &Files) -> SiteData {
    let json = std::str::from_utf8(get(files, "manifest.json")).unwrap();
    let mut s = SiteData::new(json, get(files, &SiteData::entry_of(json, Part::Models))).unwrap();
    for p in s.all_parts() {
        let f = s.entry(p).unwrap().file.clone();
        s.add_bytes(p, get(files, &f)).unwrap();
    }
    s
}

fn w(c: &str, v: &str) -> Where {
    Where {
        column: c.into(),
        value: v.into(),
    }
}

/// Where `column`'s values are in the manifest's `values`.
fn k(s: &SiteData, column: &str) -> usize {
    s.manifest()
        .values
        .iter()
        .position(|f| f.column == column)
        .unwrap()
}

#[test]
fn every_column_but_layer_id_has_value_files() {
    let s = load(&encode_site(&content(), 7).unwrap());
    let columns: Vec<&str> = s
        .manifest()
        .values
        .iter()
        .map(|f| f.column.as_str())
        .collect();
    // The layer-level columns, then the model-level ones (totals only: a model holds one value).
    let mut want = vec!["conv_depth", "in_channels", "out_channels", "layer_name"];
    want.extend(s.manifest().model_columns.iter().map(String::as_str));
    assert_eq!(columns, want);
    for f in &s.manifest().values[4..] {
        assert!(f.cells.is_empty(), "{}", f.column);
    }
    // Each value is listed once, in one chunk.
    for f in &s.manifest().values {
        let listed: Vec<&String> = f.cells.iter().flat_map(|c| &c.values).collect();
        assert!(listed.windows(2).all(|p| p[0] < p[1]), "{}", f.column);
    }
}

#[test]
fn layer_level_groupings_read_the_value_files_and_agree_with_every_layer() {
    let s = load(&encode_site(&content(), 7).unwrap());
    let models = Method {
        weight: Weight::Models,
        ..Default::default()
    };
    let ci = Method {
        resampling: Some(Resampling {
            replicates: 30,
            seed: 7,
        }),
        ..Default::default()
    };
    let plain = Method::default();
    let cd = k(&s, "conv_depth");
    // The chunk listing conv_depth 0.
    let zero = s.manifest().values[cd]
        .cells
        .iter()
        .position(|c| c.values.contains(&"0".to_string()))
        .unwrap();
    let cases: Vec<(&str, Vec<Where>, &Method, Vec<Part>)> = vec![
        ("conv_depth", vec![], &plain, vec![Part::ValueTotals(cd)]),
        (
            "out_channels",
            vec![w("out_channels", "27"), w("out_channels", "48")],
            &plain,
            vec![Part::ValueTotals(k(&s, "out_channels"))],
        ),
        (
            "layer_name",
            vec![],
            &plain,
            vec![Part::ValueTotals(k(&s, "layer_name"))],
        ),
        // A model-level column alone, or filtered by its own values: its totals.
        (
            "Task",
            vec![],
            &plain,
            vec![Part::ValueTotals(k(&s, "Task"))],
        ),
        (
            "Visual Category",
            vec![
                w("Visual Category", "natural"),
                w("Visual Category", "faces"),
            ],
            &plain,
            vec![Part::ValueTotals(k(&s, "Visual Category"))],
        ),
        // Filtered by another model-level column, or weighed by model: each model's counts.
        (
            "Task",
            vec![w("Visual Category", "natural")],
            &plain,
            vec![Part::ModelCounts],
        ),
        ("Task", vec![], &models, vec![Part::ModelCounts]),
        ("Task", vec![], &ci, vec![Part::ModelCounts]),
        // A model-level grouping filtered by one value: that value's chunk only.
        (
            "Task",
            vec![w("conv_depth", "0")],
            &plain,
            vec![Part::ValueCells(cd, zero)],
        ),
        (
            "model",
            vec![w("conv_depth", "0"), w("Visual Category", "natural")],
            &ci,
            vec![Part::ValueCells(cd, zero)],
        ),
        // The column crossed with a model-level filter, weighed or resampled by model.
        (
            "conv_depth",
            vec![w("conv_depth", "0")],
            &models,
            vec![Part::ValueCells(cd, zero)],
        ),
        (
            "conv_depth",
            vec![w("Task", "Segmentation")],
            &plain,
            vec![],
        ),
        ("in_channels", vec![], &ci, vec![]),
        // Two layer-level columns, or depth with one: the per-layer sketches.
        (
            "layer_name",
            vec![w("conv_depth", "1")],
            &plain,
            vec![Part::Layers],
        ),
        (
            "depth",
            vec![w("conv_depth", "1")],
            &plain,
            vec![Part::Layers],
        ),
    ];
    for (by, filters, method, part) in cases {
        let needs = s.compare_needs_with(by, &filters, method).unwrap();
        if !part.is_empty() {
            assert_eq!(needs[..part.len()], part[..], "{by} {filters:?}");
        }
        let fast = s.compare_with(by, &filters, method).unwrap();
        // The per-layer path, as the worker streams it.
        let mut g = s.layer_grouping(by, &filters, method).unwrap();
        let n = s.layers().len();
        s.add_layers(
            &mut g,
            (0..n).map(|l| (l, &s.layer_sketch(l).unwrap().sketch)),
        );
        let slow = s
            .compare_groups(by, &g.finish(), method, &mut |_, _| {})
            .unwrap();
        assert!(!slow.groups.is_empty(), "{by} {filters:?}");
        assert_eq!(fast, slow, "{by} {filters:?}: bit-identical");
    }
}

#[test]
fn a_pair_of_layer_level_groups_still_reads_the_layers_for_their_moments() {
    let s = load(&encode_site(&content(), 7).unwrap());
    let needs = s.group_needs("conv_depth", &[], true).unwrap();
    assert_eq!(needs[0], Part::Layers);
    assert!(s.needs_layers("conv_depth", &[], None).unwrap());
    assert!(!s
        .needs_layers("conv_depth", &[], Some(&Method::default()))
        .unwrap());
    let groups = s.group_sketches("conv_depth", &[]).unwrap();
    assert!(groups.iter().all(|g| g.sketch.scaled.sum != [0.0; 9]));
}

#[test]
fn value_files_that_do_not_fit_the_manifest_are_refused() {
    let files = encode_site(&content(), 7).unwrap();
    let json = std::str::from_utf8(get(&files, "manifest.json")).unwrap();
    // Values listed out of order (so a filter could miss a chunk).
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    let cells = v["values"][0]["cells"].as_array_mut().unwrap();
    let last = cells.len() - 1;
    cells[last]["values"] = serde_json::json!(["0"]);
    let e = filterscope_site::Manifest::parse(&v.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("listed after") && e.contains("conv_depth"),
        "{e}"
    );
    // A chunk holding rows of a value the manifest lists elsewhere.
    let s = load(&files);
    let chunks = &s.manifest().values[0].cells;
    assert!(chunks.len() > 1, "the test site has several chunks");
    let other = get(&files, &chunks[1].entry.file);
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["values"][0]["cells"][0]["file"] = chunks[1].entry.file.clone().into();
    v["values"][0]["cells"][0]["bytes"] = chunks[1].entry.bytes.into();
    v["values"][0]["cells"][0]["sha256"] = chunks[1].entry.sha256.clone().into();
    let swapped = v.to_string();
    let models = get(&files, &SiteData::entry_of(json, Part::Models));
    let mut wrong = SiteData::new(&swapped, models).unwrap();
    let e = wrong
        .add_bytes(Part::ValueCells(0, 0), other)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&chunks[1].entry.file) && e.contains("does not list here"),
        "{e}"
    );
}
