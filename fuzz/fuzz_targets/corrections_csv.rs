//! See data_prep::testing::fuzzing::corrections_csv.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| data_prep::testing::fuzzing::corrections_csv(data));
