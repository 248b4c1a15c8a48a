//! Site data written and read back: exact round trip, every table that can answer a grouping
//! agrees with the per-layer path, queries name the parts they need, and every damaged file is
//! refused with its name.

mod common;

use common::content;
use filterscope_site::{encode_site, Part, SiteData, Where};

fn get<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

/// The manifest and models table only, as a browser starts.
fn open(files: &[(String, Vec<u8>)]) -> SiteData {
    let json = std::str::from_utf8(get(files, "manifest.json")).unwrap();
    SiteData::new(json, get(files, &SiteData::entry_of(json, Part::Models))).unwrap()
}

fn add(s: &mut SiteData, files: &[(String, Vec<u8>)], parts: &[Part]) {
    for &p in parts {
        let f = s.entry(p).unwrap().file.clone();
        s.add_bytes(p, get(files, &f)).unwrap();
    }
}

fn load(files: &[(String, Vec<u8>)]) -> SiteData {
    let mut s = open(files);
    let all = s.all_parts();
    add(&mut s, files, &all);
    s
}

#[test]
fn round_trip_is_exact() {
    let c = content();
    // Small chunks so that several are written; each holds whole models.
    let files = encode_site(&c, 7).unwrap();
    assert_eq!(files.last().unwrap().0, "manifest.json");
    let s = load(&files);
    assert!(s.missing(&s.all_parts()).is_empty());
    assert_eq!(s.manifest().sketches.len(), 3);
    assert_eq!(s.models(), c.models);
    assert_eq!(s.layers(), c.layers);
    assert_eq!(s.totals().iter().map(|t| t.n_layers).sum::<u64>(), 30);
    assert_eq!(s.basis(), &c.basis, "the basis survives JSON exactly");
    assert_eq!(s.manifest().coef_range, c.coef_range);
    for (i, ls) in c.sketches.iter().enumerate() {
        let got = s.layer_sketch(i).unwrap();
        // Raw-weight moments are not stored (quality is measured by data-prep).
        assert_eq!(
            (&got.sketch.hist, &got.sketch.scaled),
            (&ls.sketch.hist, &ls.sketch.scaled)
        );
        assert_eq!(got.quality, ls.quality, "layer {i}");
        assert_eq!(s.layer_quality(i), Some(&ls.quality));
        assert_eq!(s.layer_samples(i).len(), 3);
        assert_eq!(s.lite_samples(i).len(), 3);
    }
    assert_eq!(encode_site(&c, 7).unwrap(), files, "deterministic");
    // Data files are named by their content.
    for (name, bytes) in &files[..files.len() - 1] {
        let h = &filterscope_site::sha256_hex(bytes)[..16];
        assert!(name.ends_with(&format!("-{h}.arrow")), "{name}");
    }
}

#[test]
fn every_source_agrees_with_the_layer_path() {
    let s = load(&encode_site(&content(), 7).unwrap());
    // Filters on two layer-level columns that keep every layer force the per-layer path.
    let mut all_layers: Vec<Where> = (0..5)
        .map(|d| Where {
            column: "layer_name".into(),
            value: format!("conv{d}"),
        })
        .collect();
    all_layers.push(Where {
        column: "in_channels".into(),
        value: "1".into(),
    });
    let w = |c: &str, v: &str| Where {
        column: c.into(),
        value: v.into(),
    };
    let depth_all: Vec<Where> = s
        .column_values("depth")
        .unwrap()
        .iter()
        .map(|v| w("depth", v))
        .collect();
    let k = |column: &str| {
        let k = s.manifest().values.iter().position(|f| f.column == column);
        k.expect("a model-level column's totals")
    };
    let totals = |column: &str| Part::ValueTotals(k(column));
    // (by, filters that pick the per-value, per-model, per-bucket or rollup table)
    let by_depth = |column: &str| vec![Part::ValueDepths(k(column))];
    let cases: Vec<(&str, Vec<Where>, Vec<Part>)> = vec![
        ("Task", vec![], vec![totals("Task")]),
        ("model", vec![], vec![Part::ModelCounts]),
        ("Visual Category", vec![], vec![totals("Visual Category")]),
        (
            "Task",
            vec![
                w("Visual Category", "natural"),
                w("Visual Category", "faces"),
            ],
            vec![Part::ModelCounts],
        ),
        ("depth", vec![], vec![Part::Depths]),
        (
            "depth",
            vec![
                w("Visual Category", "natural"),
                w("Visual Category", "faces"),
            ],
            by_depth("Visual Category"),
        ),
        ("Task", depth_all[..1].to_vec(), by_depth("Task")),
        (
            "Task",
            depth_all.clone(),
            vec![Part::ValueDepths(k("Task")), Part::ModelBuckets],
        ),
        (
            "Task",
            [depth_all.clone(), vec![w("Visual Category", "natural")]].concat(),
            vec![Part::Rollups],
        ),
    ];
    for (by, filters, parts) in cases {
        assert_eq!(s.compare_needs(by, &filters).unwrap(), parts, "{by}");
        let fast = s.compare(by, &filters).unwrap();
        let mut f2 = filters.clone();
        f2.extend(all_layers.clone());
        let slow = s.compare(by, &f2).unwrap();
        assert_eq!(fast.groups, slow.groups, "{by}");
        assert_eq!(s.column_values(by).unwrap(), slow.groups, "{by}");
        assert_eq!(fast.n_filters, slow.n_filters, "{by}");
        assert_eq!(
            (&fast.n_models, &fast.n_layers),
            (&slow.n_models, &slow.n_layers),
            "{by}"
        );
        for (a, b) in fast.d.iter().flatten().zip(slow.d.iter().flatten()) {
            assert!((a - b).abs() <= 1e-12 * (1.0 + a.abs()), "{by}: {a} vs {b}");
        }
        // Moments merge the same way from every table.
        let (gf, gs) = (
            s.group_sketches(by, &filters).unwrap(),
            s.group_sketches(by, &f2).unwrap(),
        );
        for (a, b) in gf.iter().zip(&gs) {
            for (x, y) in a.sketch.scaled.sxx.iter().zip(&b.sketch.scaled.sxx) {
                assert!((x - y).abs() <= 1e-9 * (1.0 + x.abs()), "{by}: {x} vs {y}");
            }
        }
    }
    let t = s.compare("Task", &[]).unwrap();
    assert_eq!(
        t.groups,
        vec!["Classification", "GAN-Generator", "Segmentation"]
    );
    let d = s.compare("depth", &[]).unwrap();
    assert_eq!(
        d.groups,
        vec![
            "[0.0, 0.1]",
            "(0.2, 0.3]",
            "(0.4, 0.5]",
            "(0.7, 0.8]",
            "(0.9, 1.0]"
        ]
    );
    // OR within a column, AND across columns.
    let f = s
        .compare(
            "model",
            &[
                w("Task", "Classification"),
                w("Task", "Segmentation"),
                w("Visual Category", "natural"),
            ],
        )
        .unwrap();
    assert_eq!(f.groups, vec!["m3", "m4"]);
    assert!(s
        .compare("nope", &[])
        .unwrap_err()
        .to_string()
        .contains("no column \"nope\""));
}

#[test]
fn a_query_runs_only_once_its_parts_are_in() {
    let files = encode_site(&content(), 7).unwrap();
    let mut s = open(&files);
    // The overview's numbers and model-level labels come with the models table.
    assert_eq!(s.stats().n_layers, 30);
    assert_eq!(s.column_values("Task").unwrap().len(), 3);
    // A grouping by a model-level column reads that column's totals...
    let needs = s.compare_needs("Task", &[]).unwrap();
    assert_eq!(needs, [Part::ValueTotals(4)]);
    let e = s.compare("Task", &[]).unwrap_err().to_string();
    assert!(
        e.starts_with("values-4-") && e.ends_with("not loaded yet"),
        "{e}"
    );
    add(&mut s, &files, &needs);
    assert_eq!(s.compare("Task", &[]).unwrap().groups.len(), 3);
    // ...and one by model every model's counts.
    let e = s.compare("model", &[]).unwrap_err().to_string();
    assert!(
        e.starts_with("model-counts-") && e.ends_with("not loaded yet"),
        "{e}"
    );
    add(&mut s, &files, &[Part::ModelCounts]);
    assert_eq!(s.compare("model", &[]).unwrap().groups.len(), 6);
    // A grouping by a layer-level column reads that column's per-value sketches...
    let needs = s.compare_needs("layer_name", &[]).unwrap();
    assert_eq!(needs, [Part::ValueTotals(3)]);
    assert!(s.compare("layer_name", &[]).is_err());
    add(&mut s, &files, &needs);
    assert_eq!(s.compare("layer_name", &[]).unwrap().groups.len(), 5);
    // ...and one by layer_id (a value per layer) the layers table and every sketch chunk.
    let needs = s.compare_needs("layer_id", &[]).unwrap();
    assert_eq!(needs[0], Part::Layers);
    assert_eq!(needs.len(), 1 + s.manifest().sketches.len());
    assert!(s.compare("layer_id", &[]).is_err());
    assert!(s.layer_reports().is_err());
    add(&mut s, &files, &needs);
    assert_eq!(s.compare("layer_id", &[]).unwrap().groups.len(), 30);
    // The chunks of one model's layers, then evicted.
    let model1: Vec<usize> = (5..10).collect();
    let chunks = s.chunks_of(Part::Sketches, &model1);
    assert_eq!(chunks, [Part::Sketches(0)]);
    s.evict(Part::Sketches(0));
    assert!(s.layer_sketch(6).is_none() && !s.has(Part::Sketches(0)));
    assert!(s.compare("layer_id", &[]).is_err());
}

#[test]
fn damaged_files_are_refused_by_name() {
    let files = encode_site(&content(), 7).unwrap();
    let mut fresh = load(&files);
    let entry = fresh.manifest().sketches[2].entry.clone();
    let bytes = get(&files, &entry.file);
    let e = fresh
        .add_bytes(Part::Sketches(2), &bytes[..bytes.len() - 10])
        .unwrap_err()
        .to_string();
    assert!(e.contains(&entry.file) && e.contains("truncated"), "{e}");
    let mut flipped = bytes.to_vec();
    flipped[bytes.len() / 2] ^= 1;
    let e = fresh
        .add_bytes(Part::Sketches(2), &flipped)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("{}: sha256", entry.file)), "{e}");
    let json = std::str::from_utf8(get(&files, "manifest.json")).unwrap();
    let models = SiteData::entry_of(json, Part::Models);
    let current = format!("\"format_version\": {}", filterscope_site::FORMAT_VERSION);
    assert!(json.contains(&current));
    let with_version = |v: u32| {
        SiteData::new(
            &json.replace(&current, &format!("\"format_version\": {v}")),
            get(&files, &models),
        )
        .unwrap_err()
        .to_string()
    };
    let e = with_version(99);
    assert!(
        e.contains("version 99 is not") && e.contains("newer"),
        "{e}"
    );
    // Older layouts are another split of the data: rebuild them.
    for v in [1, 2, 3, 4] {
        let e = with_version(v);
        assert!(
            e.contains(&format!("version {v} is not")) && e.contains("rebuild it"),
            "{e}"
        );
    }
    let layers = SiteData::entry_of(json, Part::Layers);
    let e = SiteData::new(json, get(&files, &layers)).unwrap_err();
    assert!(e.to_string().starts_with(&format!("{models}:")), "{e}");
}

#[test]
fn streaming_the_chunks_merges_the_same_groups() {
    let files = encode_site(&content(), 7).unwrap();
    let all = load(&files);
    let mut s = open(&files);
    add(&mut s, &files, &[Part::Layers]);
    let filters = [Where {
        column: "Task".into(),
        value: "Segmentation".into(),
    }];
    for by in ["layer_name", "depth", "model"] {
        let mut g = s.layer_grouping(by, &filters, &Default::default()).unwrap();
        for k in 0..s.manifest().sketches.len() {
            let part = Part::Sketches(k);
            let f = s.entry(part).unwrap().file.clone();
            let mut incoming = s.incoming(part).unwrap();
            incoming.push(get(&files, &f)).unwrap();
            let rows = s
                .decode_sketch_chunk(part, incoming.finish().unwrap())
                .unwrap();
            s.add_layers(&mut g, rows.iter().map(|(l, ls)| (*l as usize, &ls.sketch)));
        }
        // Bit-identical to the in-memory per-layer path (filters on two layer-level columns
        // force it there).
        let mut f2 = filters.to_vec();
        f2.extend((0..5).map(|d| Where {
            column: "layer_name".into(),
            value: format!("conv{d}"),
        }));
        f2.push(Where {
            column: "in_channels".into(),
            value: "1".into(),
        });
        assert_eq!(g.finish(), all.group_sketches(by, &f2).unwrap(), "{by}");
        // Nothing was kept.
        assert!(s.layer_sketch(0).is_none());
    }
}

#[test]
fn a_manifest_claiming_what_no_site_holds_is_refused_before_anything_is_fetched() {
    let files = encode_site(&content(), 7).unwrap();
    let json = std::str::from_utf8(get(&files, "manifest.json")).unwrap();
    let good = filterscope_site::Manifest::parse(json).unwrap();
    let sketch = good.sketches[1].entry.clone();
    let refused = |edit: &dyn Fn(&mut serde_json::Value), want: &str| {
        let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
        edit(&mut v);
        let e = filterscope_site::Manifest::parse(&v.to_string())
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{e} lacks {want:?}");
    };
    refused(
        &|v| v["sketches"][1]["file"] = "../../secret".into(),
        "is not a plain file name",
    );
    refused(
        &|v| v["sketches"][1]["file"] = "https://elsewhere.example/x.arrow".into(),
        "is not a plain file name",
    );
    refused(
        &|v| v["sketches"][1]["bytes"] = (1u64 << 50).into(),
        &format!("{}: 1125899906842624 bytes, more than", sketch.file),
    );
    refused(
        &|v| v["sketches"][1]["sha256"] = "<script>".into(),
        "sha256 is not 64",
    );
    refused(
        &|v| {
            let one = v["sketches"][0].clone();
            v["sketches"] = serde_json::Value::Array(vec![one; 20_000]);
        },
        "files, more than the 10000",
    );
    refused(
        &|v| v["sketches"][1]["first_layer"] = 0.into(),
        "where layer",
    );
    refused(&|v| v["n_layers"] = (u64::MAX).into(), "layers (at most");
    // The tables this site stores deflated (every test here reads them) claim no more than a
    // zlib stream of their size can hold.
    let (k, deflated) = good
        .sketches
        .iter()
        .enumerate()
        .find(|(_, c)| c.entry.inflated.is_some())
        .expect("a sketch chunk stored deflated");
    for claim in [0, deflated.entry.bytes * 1033] {
        refused(
            &|v| v["sketches"][k]["inflated"] = claim.into(),
            &format!("{}: {claim} bytes inflated from", deflated.entry.file),
        );
    }
    let huge = format!("{json}{}", " ".repeat(filterscope_site::MAX_MANIFEST_BYTES));
    assert!(filterscope_site::Manifest::parse(&huge).is_err());
}

#[test]
fn the_rollups_counts_and_moments_join_in_either_order() {
    let files = encode_site(&content(), 7).unwrap();
    let whole = load(&files);
    // Two Tasks: their moments are the (model, bucket) rows' (one Task's would be its
    // per-(value, bucket) sums).
    let task = |v: &str| Where {
        column: "Task".into(),
        value: v.into(),
    };
    let depth_by_task =
        |s: &SiteData| s.group_sketches("depth", &[task("Segmentation"), task("Classification")]);
    let mut s = open(&files);
    add(&mut s, &files, &[Part::RollupMoments, Part::Rollups]);
    assert_eq!(depth_by_task(&s).unwrap(), depth_by_task(&whole).unwrap());
    // A comparison weighed by models among two Tasks reads the counts only.
    let two = [task("Segmentation"), task("Classification")];
    let mut counts = open(&files);
    add(&mut counts, &files, &[Part::Rollups]);
    let c = counts.compare_with(
        "depth",
        &two,
        &filterscope_site::Method {
            weight: filterscope_site::Weight::Models,
            ..Default::default()
        },
    );
    assert_eq!(
        c.unwrap().d,
        whole
            .compare_with(
                "depth",
                &two,
                &filterscope_site::Method {
                    weight: filterscope_site::Weight::Models,
                    ..Default::default()
                }
            )
            .unwrap()
            .d
    );
    // Moments of other rows (a site without its last model's layers) do not join these counts.
    let mut c2 = content();
    let keep: Vec<bool> = c2.layers.iter().map(|l| l.model != 5).collect();
    let mut k = keep.iter();
    c2.sketches.retain(|_| *k.next().unwrap());
    c2.layers.retain(|l| l.model != 5);
    let other = encode_site(&c2, 7).unwrap();
    let e = open(&other).entry(Part::RollupMoments).unwrap().clone();
    let json = std::str::from_utf8(get(&files, "manifest.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["rollup_moments"] = serde_json::to_value(&e).unwrap();
    let models = get(&files, &SiteData::entry_of(json, Part::Models));
    let mut mixed = SiteData::new(&v.to_string(), models).unwrap();
    add(&mut mixed, &files, &[Part::Rollups]);
    let err = mixed
        .add_bytes(Part::RollupMoments, get(&other, &e.file))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&e.file) && err.contains("not those of the other rollups file"),
        "{err}"
    );
}
