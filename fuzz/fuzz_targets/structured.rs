//! Structure-aware: the bytes choose a valid inventory with extreme values
//! (every check id and parameter, dates at the calendar's ends, empty and
//! long lists, cycles, hubs), user checks and audit options; the whole audit
//! and every reporter run on it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stackaudit::fuzzing::structured(data);
});
