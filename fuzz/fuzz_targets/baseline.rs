//! The baseline and evidence-file readers (and the probe checks on valid evidence).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::baseline(data);
});
