//! The command-line contract, pinned by running the real binary on each case
//! in `tests/cmd/`. Update the expected output with
//! `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
