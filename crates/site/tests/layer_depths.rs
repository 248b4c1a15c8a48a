//! A layer-level column's per-(value, depth bucket) sums, cut two ways: by depth among one of
//! its values reads the one chunk listing that value, by the column among one bucket reads that
//! bucket's file; either gives, for every value and every bucket, what the per-layer sketches
//! give, moments to the bit.

mod common;

use common::content;
use filterscope_site::testing::streamed;
use filterscope_site::{
    encode_site, Method, Part, Resampling, SiteData, ValueChunk, Weight, Where,
};
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

/// The site: each model's first one to three layers in bucket 0 (so that a model's part of a
/// row adds layers of other sizes than another model's, and the sums of shares depend on their
/// order), the fourth in bucket 4, the rest in bucket 9; in_channels taking two values (one of
/// five models, one of one) in each bucket; cut in chunks of 2 rows (so that each column's sums
/// come in several chunks).
fn site() -> SiteData {
    let mut c = content();
    for l in &mut c.layers {
        l.in_channels = 1 + i64::from(l.model == 5);
        l.conv_depth_norm = match l.conv_depth {
            d if d <= i64::from(l.model % 3) => 0.0,
            3 => 0.5,
            _ => 1.0,
        };
    }
    load(&encode_site(&c, 2).unwrap())
}

const MODELS: Method = Method {
    weight: Weight::Models,
    min_models: 0,
    resampling: None,
};

/// `by` under `filters` as the site answers it (reading `want` only; weighed by models,
/// `shares` only), against the per-layer sketches streamed: the comparison (weighed by filters
/// and by models) and the groups with their moments, bit for bit.
fn agrees(s: &SiteData, by: &str, filters: &[Where], want: &[Part], shares: &[Part]) {
    for (method, want) in [(Method::default(), want), (MODELS, shares)] {
        let needs = s.compare_needs_with(by, filters, &method).unwrap();
        assert_eq!(needs, want, "{by} {filters:?} {method:?}");
        let fast = s.compare_with(by, filters, &method).unwrap();
        let every_layer = streamed(s, by, filters, &method);
        let slow = s.compare_groups(by, &every_layer, &method, &mut |_, _| {});
        assert_eq!(
            fast,
            slow.unwrap(),
            "{by} {filters:?} {method:?}: bit for bit"
        );
    }
    let needs = s.group_needs(by, filters, true).unwrap();
    assert_eq!(needs, want, "{by} {filters:?}");
    let groups = s.group_sketches(by, filters).unwrap();
    let every_layer = streamed(s, by, filters, &Method::default());
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
        assert!(files.depth_share_chunks.len() > 1, "{column}: several");
        assert_eq!(files.buckets.len(), DEPTH_LABELS.len(), "{column}");
        assert_eq!(files.bucket_shares.len(), DEPTH_LABELS.len(), "{column}");
        let values = s.column_values(column).unwrap();
        let listing = |chunks: &[ValueChunk], v: &String| {
            chunks.iter().position(|c| c.values.contains(v)).unwrap()
        };
        for v in &values {
            let want = [Part::ValueDepthChunk(k, listing(&files.depth_chunks, v))];
            let j = listing(&files.depth_share_chunks, v);
            let shares = [Part::ValueDepthShareChunk(k, j)];
            agrees(&s, "depth", &[w(column, v)], &want, &shares);
        }
        let mut seen = 0;
        for (b, label) in DEPTH_LABELS.iter().enumerate() {
            let filters = [w("depth", label)];
            if streamed(&s, column, &filters, &Method::default()).is_empty() {
                continue;
            }
            let (want, shares) = ([Part::BucketValues(k, b)], [Part::BucketShares(k, b)]);
            agrees(&s, column, &filters, &want, &shares);
            // Filtered on its own values too: the same file.
            let two = [w("depth", label), w(column, &values[0])];
            if !streamed(&s, column, &two, &Method::default()).is_empty() {
                agrees(&s, column, &two, &want, &shares);
            }
            seen += 1;
        }
        assert_eq!(seen, 3, "{column}: buckets with layers");
    }
}

/// Several rows a group (two values, two buckets), or resampled by models: every layer, as
/// before the cut (a model with layers in both rows would be counted twice; a resample needs
/// each model's part).
#[test]
fn a_group_of_several_rows_still_reads_every_layer() {
    let s = site();
    let resampled = Method {
        resampling: Some(Resampling {
            replicates: 30,
            seed: 7,
        }),
        ..Default::default()
    };
    let two_buckets = vec![w("depth", DEPTH_LABELS[0]), w("depth", DEPTH_LABELS[9])];
    for (by, filters, method) in [
        (
            "depth",
            vec![w("in_channels", "1"), w("in_channels", "2")],
            MODELS,
        ),
        ("in_channels", two_buckets, Method::default()),
        ("depth", vec![w("in_channels", "1")], resampled),
    ] {
        let needs = s.compare_needs_with(by, &filters, &method).unwrap();
        assert_eq!(needs[0], Part::Layers, "{by} {filters:?}");
        let cut = |p: &Part| {
            matches!(p, Part::ValueDepthChunk(..) | Part::BucketValues(..))
                || matches!(p, Part::ValueDepthShareChunk(..) | Part::BucketShares(..))
        };
        assert!(!needs.iter().any(cut), "{by} {filters:?}: {needs:?}");
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
