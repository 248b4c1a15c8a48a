//! See data_prep::fuzzing::meta_csv.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| data_prep::fuzzing::meta_csv(data));
