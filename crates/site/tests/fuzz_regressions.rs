//! Every input the fuzzers were seeded with or found (fuzz/seeds, fuzz/regressions), replayed
//! through the fuzz targets' own bodies: none may panic or abort again.

use std::path::Path;

use filterscope_site::fuzzing;

fn replay(target: &str, run: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            run(&std::fs::read(&path).unwrap());
            n += 1;
        }
    }
    assert!(n > 0, "no inputs for {target}");
}

#[test]
fn onnx() {
    replay("onnx", fuzzing::onnx);
}

#[test]
fn manifest() {
    replay("manifest", fuzzing::manifest);
}

#[test]
fn site_chunk() {
    replay("site_chunk", fuzzing::site_chunk);
}

#[test]
fn yours_link() {
    replay("yours_link", fuzzing::yours_link);
}
