//! See filterscope_site::fuzzing::site_chunk.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| filterscope_site::fuzzing::site_chunk(data));
