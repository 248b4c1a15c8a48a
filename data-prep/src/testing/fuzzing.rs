//! The data-prep fuzz targets' bodies (`fuzz/fuzz_targets/`), shared with the regression tests
//! that replay `fuzz/seeds` and `fuzz/regressions`. Behind the `fuzzing` feature: not API.

use std::path::Path;

use filterscope_site::ModelRow;

use crate::build::Plan;
use crate::source::corrections;
use crate::source::h5::direct_extent;
use crate::source::meta::parse_meta;

/// The DB's meta CSV, checked against a filter count from the input's first 8 bytes (so that
/// the tiling checks meet huge counts too).
pub fn meta_csv(data: &[u8]) {
    if data.len() < 8 {
        return;
    }
    let (n, text) = data.split_at(8);
    let n = u64::from_le_bytes(n.try_into().expect("8 bytes"));
    let _ = parse_meta(Path::new("meta.csv"), text, n);
}

/// What reading the DB takes from its HDF5 header without libhdf5: where a contiguous dataset
/// of n filters of a width at an offset ends, against the file's length (4 x u64, LE).
pub fn h5_extent(data: &[u8]) {
    if data.len() < 32 {
        return;
    }
    let v: Vec<u64> = data[..32]
        .chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect();
    let (offset, n, width, have) = (v[0], v[1], v[2], v[3]);
    if let Ok(end) = direct_extent(offset, n, width, have) {
        assert!(
            end <= have && end >= offset,
            "{end} outside {offset}..={have}"
        );
    }
}

/// A corrections CSV (`build --corrections`), parsed and applied to a two-model plan: any row is
/// applied or warned about, never both, and nothing panics.
pub fn corrections_csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rows) = corrections::parse(Path::new("fix.csv"), text) else {
        return;
    };
    let model = |name: &str| ModelRow {
        name: name.into(),
        values: vec!["Classification".into(), "natural".into()],
    };
    let mut plan = Plan {
        source: "fuzz".into(),
        models: vec![model("a"), model("b")],
        model_columns: vec!["Task".into(), "Visual Category".into()],
        layers: Vec::new(),
        layer_columns: Vec::new(),
        label_rules: Vec::new(),
        corrections: Vec::new(),
    };
    let n = rows.len();
    let warnings = corrections::apply(&mut plan, "fix.csv", rows, false);
    assert_eq!(plan.corrections.len() + warnings.len(), n);
}
