//! Every input the fuzzers were seeded with or found (fuzz/seeds, fuzz/regressions), replayed
//! through the fuzz targets' own bodies: none may panic or abort again.

use filterscope_site::fuzzing::{self, replay};

#[test]
fn onnx() {
    replay("onnx", fuzzing::onnx);
}

#[test]
fn checkpoint() {
    replay("checkpoint", filterscope_checkpoint::fuzzing::checkpoint);
}

#[test]
fn pickle() {
    replay("pickle", filterscope_checkpoint::fuzzing::pickle);
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

#[test]
fn route() {
    replay("route", fuzzing::route);
}
