//! See data_prep::testing::fuzzing::h5_extent.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| data_prep::testing::fuzzing::h5_extent(data));
