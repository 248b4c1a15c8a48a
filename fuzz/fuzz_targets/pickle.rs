//! See filterscope_checkpoint::fuzzing::pickle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| filterscope_checkpoint::fuzzing::pickle(data));
