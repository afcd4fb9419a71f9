//! Evidence files (`audit --evidence`): generated evidence about a generated
//! inventory's tools, or (first byte 0) the rest of the bytes as evidence
//! text on a fixed stack; when the evidence reads, the probe checks and
//! every reporter run.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::evidence_structured(data);
});
