//! Site data written and read back: exact round trip, rollup and per-layer paths agree, and every
//! damaged file is refused with its name.

mod common;

use common::content;
use filterscope_site::{encode_site, ChunkKind, SiteData, Where};

fn get<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

fn load(files: &[(String, Vec<u8>)]) -> SiteData {
    let json = std::str::from_utf8(get(files, "manifest.json")).unwrap();
    let mut s = SiteData::new(
        json,
        get(files, "models.arrow"),
        get(files, "layers.arrow"),
        get(files, "rollups.arrow"),
    )
    .unwrap();
    for (k, c) in s.manifest.sketches.clone().iter().enumerate() {
        s.add_chunk(ChunkKind::Sketches, k, get(files, &c.entry.file))
            .unwrap();
    }
    for (k, c) in s.manifest.samples.clone().iter().enumerate() {
        s.add_chunk(ChunkKind::Samples, k, get(files, &c.entry.file))
            .unwrap();
    }
    s
}

#[test]
fn round_trip_is_exact() {
    let c = content();
    // Small chunks so that several are written.
    let files = encode_site(&c, 7).unwrap();
    assert_eq!(files.last().unwrap().0, "manifest.json");
    let s = load(&files);
    assert!(s.loaded(ChunkKind::Sketches) && s.loaded(ChunkKind::Samples));
    assert_eq!(s.manifest.sketches.len(), 5);
    assert_eq!(s.models, c.models);
    assert_eq!(s.layers, c.layers);
    assert_eq!(s.basis(), &c.basis, "the basis survives JSON exactly");
    assert_eq!(s.manifest.coef_range, c.coef_range);
    for (i, ls) in c.sketches.iter().enumerate() {
        assert_eq!(s.layer_sketch(i).unwrap(), ls, "layer {i}");
        assert_eq!(s.layer_samples(i).len(), 3);
    }
    assert_eq!(encode_site(&c, 7).unwrap(), files, "deterministic");
}

#[test]
fn rollup_and_layer_paths_agree() {
    let s = load(&encode_site(&content(), 7).unwrap());
    // `Task` uses rollups; adding a layer-level filter that keeps every layer forces the layer path.
    let all_layers: Vec<Where> = (0..5)
        .map(|d| Where {
            column: "layer_name".into(),
            value: format!("conv{d}"),
        })
        .collect();
    for by in ["Task", "model", "depth", "Visual Category"] {
        let fast = s.compare(by, &[]).unwrap();
        let slow = s.compare(by, &all_layers).unwrap();
        assert_eq!(fast.groups, slow.groups, "{by}");
        assert_eq!(fast.n_filters, slow.n_filters, "{by}");
        assert_eq!(
            (&fast.n_models, &fast.n_layers),
            (&slow.n_models, &slow.n_layers),
            "{by}"
        );
        for (a, b) in fast.d.iter().flatten().zip(slow.d.iter().flatten()) {
            assert!((a - b).abs() <= 1e-12 * (1.0 + a.abs()), "{by}: {a} vs {b}");
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
    let w = |c: &str, v: &str| Where {
        column: c.into(),
        value: v.into(),
    };
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
fn damaged_files_are_refused_by_name() {
    let files = encode_site(&content(), 7).unwrap();
    let s = load(&files);
    let entry = s.manifest.sketches[2].entry.clone();
    let bytes = get(&files, &entry.file);
    let mut fresh = load(&files);
    let e = fresh
        .add_chunk(ChunkKind::Sketches, 2, &bytes[..bytes.len() - 10])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("sketches-0002.arrow") && e.contains("truncated"),
        "{e}"
    );
    let mut flipped = bytes.to_vec();
    flipped[bytes.len() / 2] ^= 1;
    let e = fresh
        .add_chunk(ChunkKind::Sketches, 2, &flipped)
        .unwrap_err()
        .to_string();
    assert!(e.contains("sketches-0002.arrow: sha256"), "{e}");
    let json = std::str::from_utf8(get(&files, "manifest.json")).unwrap();
    let current = format!("\"format_version\": {}", filterscope_site::FORMAT_VERSION);
    assert!(json.contains(&current));
    let with_version = |v: u32| {
        SiteData::new(
            &json.replace(&current, &format!("\"format_version\": {v}")),
            get(&files, "models.arrow"),
            get(&files, "layers.arrow"),
            get(&files, "rollups.arrow"),
        )
        .unwrap_err()
        .to_string()
    };
    let e = with_version(99);
    assert!(
        e.contains("version 99 is not") && e.contains("newer"),
        "{e}"
    );
    // A site of the first layout counted the same bins but was read with another D: rebuild it.
    let e = with_version(1);
    assert!(
        e.contains("version 1 is not") && e.contains("rebuild it"),
        "{e}"
    );
    let e = SiteData::new(
        json,
        get(&files, "layers.arrow"),
        get(&files, "layers.arrow"),
        get(&files, "rollups.arrow"),
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("models.arrow:"), "{e}");
}
