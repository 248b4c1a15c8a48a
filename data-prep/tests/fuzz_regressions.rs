//! Every input the data-prep fuzzers were seeded with or found (fuzz/seeds, fuzz/regressions),
//! replayed through the fuzz targets' own bodies: none may panic again.

use data_prep::testing::fuzzing;
use filterscope_site::fuzzing::replay;

#[test]
fn meta_csv() {
    replay("meta_csv", fuzzing::meta_csv);
}

#[test]
fn corrections_csv() {
    replay("corrections_csv", fuzzing::corrections_csv);
}

#[test]
fn h5_extent() {
    replay("h5_extent", fuzzing::h5_extent);
}
