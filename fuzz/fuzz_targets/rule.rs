//! The rule-check language: any definition text is parsed, validated and,
//! when valid, evaluated against a fixed inventory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::rule(data);
});
