//! See filterscope_site::fuzzing::yours_link.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| filterscope_site::fuzzing::yours_link(data));
