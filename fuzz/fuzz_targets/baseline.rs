//! The baseline reader (`audit --baseline`): any text is parsed; a valid
//! baseline is applied to a fixed stack's audit and the result rendered.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::baseline(data);
});
