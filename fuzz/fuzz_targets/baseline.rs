//! The baseline, waiver-bearing inventory and evidence readers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::baseline(data);
});
