//! Structure-aware and large (run with `-max_len=1048576`): thousands of
//! tools, ids and texts of 100,000 characters, dense graphs, long lists and
//! message templates; finds time and memory that grow faster than the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::structured_large(data);
});
