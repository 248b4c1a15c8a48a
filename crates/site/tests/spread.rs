//! Stored intervals and floors: a comparison by a layer-level column with the page's default
//! resampling reads the column's sums and one file of intervals, and gives, weighed either way,
//! the comparison the per-layer sketches give (D, intervals and floors to the bit); any other
//! resampling, a filter or a least group size that leaves a group out computes them; a file that
//! is not those groups' is refused by name.

mod common;

use std::sync::OnceLock;

use common::content;
use filterscope_site::testing::{add, opened_storing_intervals, streamed};
use filterscope_site::{Method, Part, Resampling, SiteData, Weight, Where};

type Files = Vec<(String, Vec<u8>)>;

/// The test site, written once (storing every column's intervals takes a while).
fn site() -> (SiteData, Files) {
    static SITE: OnceLock<(SiteData, Files)> = OnceLock::new();
    SITE.get_or_init(written).clone()
}

fn written() -> (SiteData, Files) {
    let mut c = content();
    // Groups of several sizes, one under the four models a floor needs.
    for l in &mut c.layers {
        if l.model >= 3 && l.conv_depth == 4 {
            l.conv_depth = 5;
        }
    }
    opened_storing_intervals(&c)
}

fn default_ci(weight: Weight) -> Method {
    Method {
        weight,
        min_models: 0,
        resampling: Some(Resampling::default()),
    }
}

/// The site with only what `by` under `filters` by `method` needs loaded, and those parts.
fn needing(by: &str, filters: &[Where], method: &Method) -> (SiteData, Vec<Part>) {
    let (mut s, files) = site();
    loop {
        let missing = s.missing(&s.compare_needs_with(by, filters, method).unwrap());
        if missing.is_empty() {
            break;
        }
        add(&mut s, &files, &missing);
    }
    let needs = s.compare_needs_with(by, filters, method).unwrap();
    (s, needs)
}

/// The same comparison through every per-layer sketch, resampled from each model's part.
fn per_layer(by: &str, filters: &[Where], method: &Method) -> filterscope_site::Comparison {
    let (mut s, files) = site();
    let all = s.all_parts();
    add(&mut s, &files, &all);
    let groups = streamed(&s, by, filters, method);
    s.compare_groups(by, &groups, method, &mut |_, _| {})
        .unwrap()
}

#[test]
fn intervals_by_a_layer_level_column_read_one_file_and_are_the_computed_ones() {
    let (s, _) = site();
    let columns = ["conv_depth", "out_channels", "layer_name"];
    for by in columns {
        let k = s
            .manifest()
            .values
            .iter()
            .position(|f| f.column == by)
            .unwrap();
        assert_eq!(s.manifest().values[k].spread.len(), 2, "{by}: both weights");
        for (weight, sums) in [
            (Weight::Filters, Part::ValueTotals(k)),
            (Weight::Models, Part::ValueShares(k)),
        ] {
            let method = default_ci(weight);
            let (s, needs) = needing(by, &[], &method);
            let i = s.manifest().values[k]
                .spread
                .iter()
                .position(|e| e.weight == weight)
                .unwrap();
            assert_eq!(needs, [sums, Part::ValueSpread(k, i)], "{by} {weight}");
            let stored = s.compare_with(by, &[], &method).unwrap();
            let computed = per_layer(by, &[], &method);
            assert_eq!(stored, computed, "{by} {weight}: bit for bit");
            let ci = stored.ci.as_ref().unwrap();
            assert_eq!((ci.replicates, ci.seed), (1000, 0));
            assert!(ci.low[0][1] < ci.high[0][1], "{by} {weight}: an interval");
            let floors = stored.floor.as_ref().unwrap();
            assert!(floors.iter().any(Option::is_some), "{by}: floors");
            // min_models 1 keeps every group: the same file answers.
            let one = Method {
                min_models: 1,
                ..method
            };
            assert_eq!(s.compare_with(by, &[], &one).unwrap(), stored, "{by}");
        }
    }
    // A column with one value has no intervals to store.
    let k = s
        .manifest()
        .values
        .iter()
        .position(|f| f.column == "in_channels")
        .unwrap();
    assert!(s.manifest().values[k].spread.is_empty());
}

/// Among one Task's models (by conv_depth where Task is Classification): that value's sums and
/// its stored intervals, the comparison the per-layer sketches give; two Tasks resample.
#[test]
fn intervals_among_one_tasks_models_read_its_stored_file() {
    let task = |v: &str| Where {
        column: "Task".into(),
        value: v.into(),
    };
    for weight in [Weight::Filters, Weight::Models] {
        let method = default_ci(weight);
        for value in ["Classification", "Segmentation"] {
            let filters = [task(value)];
            let (s, needs) = needing("conv_depth", &filters, &method);
            let e = s.manifest().values[0]
                .among
                .iter()
                .position(|a| a.column == "Task" && a.value == value)
                .unwrap();
            let i = s.manifest().values[0].among[e]
                .spread
                .iter()
                .position(|x| x.weight == weight)
                .unwrap();
            let sums = match weight {
                Weight::Filters => Part::AmongTotals(0, e),
                Weight::Models => Part::AmongShares(0, e),
            };
            assert_eq!(
                needs,
                [sums, Part::AmongSpread(0, e, i)],
                "{value} {weight}"
            );
            let stored = s.compare_with("conv_depth", &filters, &method).unwrap();
            assert!(stored.ci.is_some());
            let computed = per_layer("conv_depth", &filters, &method);
            assert_eq!(stored, computed, "{value} {weight}: bit for bit");
        }
        let two = [task("Classification"), task("Segmentation")];
        let (_, needs) = needing("conv_depth", &two, &method);
        assert!(!needs.iter().any(|p| matches!(p, Part::AmongSpread(..))));
    }
}

/// Other draws, a filter, or a group left out: the counts are resampled, never the stored file
/// quoted for them.
#[test]
fn any_other_resampling_is_computed() {
    let base = default_ci(Weight::Filters);
    let other = |r: u32, seed: u64| Method {
        resampling: Some(Resampling {
            replicates: r,
            seed,
        }),
        ..base
    };
    let two_values = vec![
        Where {
            column: "conv_depth".into(),
            value: "0".into(),
        },
        Where {
            column: "conv_depth".into(),
            value: "1".into(),
        },
    ];
    let cases = [
        (other(1000, 1), vec![]),
        (other(999, 0), vec![]),
        (
            Method {
                min_models: 4,
                ..base
            },
            vec![],
        ),
        (base, two_values),
    ];
    for (method, filters) in cases {
        let (s, needs) = needing("conv_depth", &filters, &method);
        assert!(
            !needs.iter().any(|p| matches!(p, Part::ValueSpread(..))),
            "{method:?} {filters:?}: {needs:?}"
        );
        let c = s.compare_with("conv_depth", &filters, &method).unwrap();
        assert_eq!(c, per_layer("conv_depth", &filters, &method), "{method:?}");
    }
}

/// A manifest that lists another column's intervals for conv_depth: the comparison names the
/// file and shows no number.
#[test]
fn intervals_of_other_groups_are_refused_by_name() {
    let (s, files) = site();
    let mut m = s.manifest().clone();
    let k = |c: &str| m.values.iter().position(|f| f.column == c).unwrap();
    let (depth, out) = (k("conv_depth"), k("out_channels"));
    m.values[depth].spread = m.values[out].spread.clone();
    let file = m.values[out].spread[0].entry.file.clone();
    let models = &files.iter().find(|(n, _)| *n == m.models.file).unwrap().1;
    let mut s = SiteData::new(&m.to_json(), models).unwrap();
    let method = default_ci(Weight::Filters);
    let needs = s.compare_needs_with("conv_depth", &[], &method).unwrap();
    add(&mut s, &files, &needs);
    let e = s
        .compare_with("conv_depth", &[], &method)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with(&file) && e.contains("not the"), "{e}");
}

/// A manifest listing two files of intervals for one weight (a reader could quote either), or a
/// resampling no comparison can ask for, is refused before anything is fetched.
#[test]
fn a_manifest_with_two_spreads_of_a_weight_is_refused() {
    let (s, _) = site();
    let json = s.manifest().to_json();
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        edit(&mut v["values"][0]["spread"]);
        filterscope_site::Manifest::parse(&v.to_string())
            .unwrap_err()
            .to_string()
    };
    let e = refused(&|sp| sp[1]["weight"] = "filters".into());
    assert!(
        e.contains("one file per weight") && e.contains("conv_depth"),
        "{e}"
    );
    let e = refused(&|sp| sp[0]["replicates"] = 0.into());
    assert!(e.contains("0 replicates"), "{e}");
    assert!(filterscope_site::Manifest::parse(&json).is_ok());
}
