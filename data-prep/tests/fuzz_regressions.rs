//! Every input the data-prep fuzzers were seeded with or found (fuzz/seeds, fuzz/regressions),
//! replayed through the fuzz targets' own bodies: none may panic again.

use std::path::Path;

use data_prep::fuzzing;

fn replay(target: &str, run: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut n = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else {
            continue;
        };
        for e in entries {
            run(&std::fs::read(e.unwrap().path()).unwrap());
            n += 1;
        }
    }
    assert!(n > 0, "no inputs for {target}");
}

#[test]
fn meta_csv() {
    replay("meta_csv", fuzzing::meta_csv);
}

#[test]
fn h5_extent() {
    replay("h5_extent", fuzzing::h5_extent);
}
