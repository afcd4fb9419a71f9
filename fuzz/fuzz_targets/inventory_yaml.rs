//! The Yaml loader through validation and a full audit: no input may panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::inventory(data, stackaudit::inventory::source::Format::Yaml);
});
