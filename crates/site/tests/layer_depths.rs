//! A layer-level column's per-(value, depth bucket) sums, cut two ways: by depth among one of
//! its values reads the one chunk listing that value, by the column among one bucket reads that
//! bucket's file; either gives, for every value and every bucket, what the per-layer sketches
//! give, moments to the bit.

mod common;

use common::content;
use filterscope_site::testing::streamed;
use filterscope_site::{encode_site, Method, Part, SiteData, Where};
use filterscope_stats::DEPTH_LABELS;

fn load(files: &[(String, Vec<u8>)]) -> SiteData {
    let get = |name: &str| &files.iter().find(|(n, _)| n == name).unwrap().1;
    let json = std::str::from_utf8(get("manifest.json")).unwrap();
    let mut s = SiteData::new(json, get(&SiteData::entry_of(json, Part::Models))).unwrap();
    for p in s.all_parts() {
        let f = s.entry(p).unwrap().file.clone();
        s.add_bytes(p, get(&f)).unwrap();
    }
    s
}

fn w(c: &str, v: &str) -> Where {
    Where {
        column: c.into(),
        value: v.into(),
    }
}

/// The site: in_channels takes three values in each bucket (one per model in three), cut in
/// chunks of 4 rows (so that each column's sums come in several chunks).
fn site() -> SiteData {
    let mut c = content();
    for l in &mut c.layers {
        l.in_channels = 1 + i64::from(l.model % 3);
    }
    load(&encode_site(&c, 4).unwrap())
}

/// `by` under `filters` as the site answers it (reading `want` only), against the per-layer
/// sketches streamed: the comparison and the groups with their moments, bit for bit.
fn agrees(s: &SiteData, by: &str, filters: &[Where], want: &[Part]) {
    let method = Method::default();
    let needs = s.compare_needs_with(by, filters, &method).unwrap();
    assert_eq!(needs, want, "{by} {filters:?}");
    assert_eq!(
        s.group_needs(by, filters, true).unwrap(),
        want,
        "{by} {filters:?}"
    );
    let fast = s.compare_with(by, filters, &method).unwrap();
    let every_layer = streamed(s, by, filters, &method);
    let slow = s.compare_groups(by, &every_layer, &method, &mut |_, _| {});
    assert_eq!(fast, slow.unwrap(), "{by} {filters:?}: bit for bit");
    let groups = s.group_sketches(by, filters).unwrap();
    assert!(!groups.is_empty(), "{by} {filters:?}");
    assert_eq!(groups, every_layer, "{by} {filters:?}: moments bit for bit");
}

#[test]
fn by_depth_among_one_value_reads_its_chunk_and_by_the_column_among_one_bucket_its_file() {
    let s = site();
    for column in ["conv_depth", "in_channels", "out_channels"] {
        let k = s
            .manifest()
            .values
            .iter()
            .position(|f| f.column == column)
            .unwrap();
        let files = &s.manifest().values[k];
        assert!(files.by_depth.is_none(), "{column}: no whole file");
        assert!(files.depth_chunks.len() > 1, "{column}: several chunks");
        assert_eq!(files.buckets.len(), DEPTH_LABELS.len(), "{column}");
        let values = s.column_values(column).unwrap();
        for v in &values {
            let j = files.depth_chunks.iter().position(|c| c.values.contains(v));
            let want = [Part::ValueDepthChunk(k, j.unwrap())];
            agrees(&s, "depth", &[w(column, v)], &want);
        }
        let mut seen = 0;
        for (b, label) in DEPTH_LABELS.iter().enumerate() {
            let filters = [w("depth", label)];
            if streamed(&s, column, &filters, &Method::default()).is_empty() {
                continue;
            }
            agrees(&s, column, &filters, &[Part::BucketValues(k, b)]);
            // Filtered on its own values too: the same file.
            let v = &values[0];
            let two = [w("depth", label), w(column, v)];
            if !streamed(&s, column, &two, &Method::default()).is_empty() {
                agrees(&s, column, &two, &[Part::BucketValues(k, b)]);
            }
            seen += 1;
        }
        assert!(seen >= 5, "{column}: {seen} buckets with layers");
    }
}

/// Several rows a group (two values, two buckets) or weighed by models: every layer, as before
/// the cut (a model with layers in both rows would be counted twice).
#[test]
fn a_group_of_several_rows_still_reads_every_layer() {
    let s = site();
    let method = Method::default();
    for (by, filters) in [
        ("depth", vec![w("in_channels", "1"), w("in_channels", "2")]),
        (
            "in_channels",
            vec![w("depth", DEPTH_LABELS[0]), w("depth", DEPTH_LABELS[9])],
        ),
    ] {
        let needs = s.compare_needs_with(by, &filters, &method).unwrap();
        assert_eq!(needs[0], Part::Layers, "{by} {filters:?}");
        assert!(
            !needs
                .iter()
                .any(|p| matches!(p, Part::ValueDepthChunk(..) | Part::BucketValues(..))),
            "{by} {filters:?}: {needs:?}"
        );
    }
}

/// A manifest listing a value in two chunks of the per-(value, bucket) sums (a filter on it
/// could read the wrong one), or other than ten bucket files, is refused before anything is
/// fetched, naming the column.
#[test]
fn a_manifest_misplacing_the_cuts_is_refused() {
    let files = encode_site(&content(), 4).unwrap();
    let json = &files.iter().find(|(n, _)| n == "manifest.json").unwrap().1;
    let json = std::str::from_utf8(json).unwrap();
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
        edit(&mut v["values"][0]);
        match filterscope_site::Manifest::parse(&v.to_string()) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    };
    let e = refused(&|f| {
        let chunks = f["depth_chunks"].as_array_mut().unwrap();
        let first = chunks[0]["values"][0].clone();
        let last = chunks.len() - 1;
        chunks[last]["values"] = serde_json::json!([first]);
    });
    assert!(e.contains("per-bucket sums of \"conv_depth\""), "{e}");
    assert!(e.contains("listed after"), "{e}");
    let e = refused(&|f| {
        f["buckets"].as_array_mut().unwrap().pop();
    });
    assert!(e.contains("9 bucket files"), "{e}");
    assert!(filterscope_site::Manifest::parse(json).is_ok());
}
