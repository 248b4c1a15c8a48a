//! The site format decoded and queried in wasm32, in headless Chromium (wasm-bindgen-test): the
//! same bytes give the same numbers as computing from the sketches directly.
#![cfg(target_arch = "wasm32")]

mod common;

use filterscope_site::{encode_site, Part, SiteData};
use filterscope_stats::{drift_matrix, Histograms, Sketch};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn decodes_and_compares_in_the_browser() {
    let c = common::content();
    let files = encode_site(&c, 7).unwrap();
    let get = |n: &str| {
        files
            .iter()
            .find(|(f, _)| f == n)
            .map(|(_, b)| b.as_slice())
            .unwrap()
    };
    let json = std::str::from_utf8(get("manifest.json")).unwrap();
    let mut s = SiteData::new(json, get(&SiteData::entry_of(json, Part::Models))).unwrap();
    for p in s.compare_needs("Task", &[]).unwrap() {
        let f = s.entry(p).unwrap().file.clone();
        s.add_bytes(p, get(&f)).unwrap();
    }
    // D between tasks from the decoded per-model table vs from the undecoded layer sketches.
    let got = s.compare("Task", &[]).unwrap();
    let task = |m: u32| c.models[m as usize].values[0].clone();
    let mut by: std::collections::BTreeMap<String, Sketch> = Default::default();
    for (l, ls) in c.layers.iter().zip(&c.sketches) {
        by.entry(task(l.model)).or_default().merge(&ls.sketch);
    }
    let hists: Vec<Histograms> = by.values().map(|s| s.hist.clone()).collect();
    let want = drift_matrix(&hists, &c.basis.evr, s.rule());
    assert_eq!(got.groups, by.keys().cloned().collect::<Vec<_>>());
    for (a, b) in got.d.iter().flatten().zip(want.iter().flatten()) {
        assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
    }
    assert!(got.d[0][1] > 0.0);
    // A damaged chunk is refused in wasm32 too.
    let mut bad = get(&s.manifest().sketches[0].entry.file).to_vec();
    bad[10] ^= 1;
    assert!(s.add_bytes(Part::Sketches(0), &bad).is_err());
}

/// Orthogonality in wasm32 (its own SIMD Gram kernel) against dot products written out.
#[wasm_bindgen_test]
fn orthogonality_in_the_browser() {
    let (out, inn) = (70, 33);
    let filters: Vec<[f64; 9]> = (0..out * inn)
        .map(|f| std::array::from_fn(|k| (((f * 9 + k) * 7919 % 997) as f64 - 498.0) / 311.0))
        .collect();
    let rows: Vec<Vec<f64>> = filters
        .chunks(inn)
        .map(|r| {
            let v: Vec<f64> = r.iter().flatten().copied().collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            v.iter().map(|x| x / norm).collect()
        })
        .collect();
    let mut total = 0.0;
    for i in 0..out {
        for j in 0..out {
            let d: f64 = rows[i].iter().zip(&rows[j]).map(|(a, b)| a * b).sum();
            total += (d - if i == j { 1.0 } else { 0.0 }).abs();
        }
    }
    let want = 1.0 - total / (out * (out - 1)) as f64;
    let got = filterscope_stats::orthogonality(&filters, out).unwrap();
    assert!((got - want).abs() <= 1e-12, "{got} vs {want}");
}

/// A safetensors file and a torch zip of one model read in wasm32 as the same kernels.
#[wasm_bindgen_test]
fn checkpoints_read_in_the_browser() {
    let st: &[u8] = include_bytes!("../../../tests/e2e/fixtures/checkpoints/small.safetensors");
    let pt: &[u8] = include_bytes!("../../../tests/e2e/fixtures/checkpoints/small.pt");
    let read = |b: &[u8]| {
        let c = filterscope_checkpoint::Checkpoint::read(b).unwrap();
        c.kernels
            .iter()
            .filter(|k| k.kernel == [3, 3])
            .map(|k| c.filters(k, b).unwrap())
            .collect::<Vec<_>>()
    };
    let (a, b) = (read(st), read(pt));
    assert_eq!(a.len(), 5);
    assert_eq!(a, b);
}
