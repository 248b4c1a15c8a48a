//! See filterscope_checkpoint::fuzzing::checkpoint: safetensors, torch zip and legacy files.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| filterscope_checkpoint::fuzzing::checkpoint(data));
