//! The command-line contract, pinned by running the real binary on each case
//! in `tests/cmd/`. Update the expected output with
//! `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    // The same output whether or not the tests themselves run in CI
    // (`CI=true` adds a summary line on stderr; one case sets it itself).
    trycmd::TestCases::new()
        .env("CI", "")
        .case("tests/cmd/*.toml");
}
