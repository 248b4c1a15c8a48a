//! See filterscope_site::fuzzing::route.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| filterscope_site::fuzzing::route(data));
