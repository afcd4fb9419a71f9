#!/usr/bin/env bash
# The install step of the GitHub Action (action.yml). With no version, builds
# stackaudit from the action's own checkout (this repository at the ref the
# workflow names in `uses: stackaudit/stackaudit@REF`); with a version, the
# release of that version from crates.io. The compiled dependencies are kept
# in CARGO_TARGET_DIR, which the action caches, so a later run rebuilds only
# what changed.
#
# Environment: INPUT_VERSION (empty, or a version such as 0.1.0),
# ACTION_PATH (the action's checkout), CARGO_TARGET_DIR.
set -euo pipefail

version="${INPUT_VERSION:-}"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
action_path="${ACTION_PATH:?set ACTION_PATH to the folder of the action}"

if ! command -v cargo >/dev/null 2>&1; then
  echo "::error title=stackaudit::cargo is not installed; add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before this action"
  exit 2
fi

if [ -z "$version" ]; then
  cargo install --locked --quiet --path "$action_path"
else
  version="${version#v}"
  if "$cargo_bin/stackaudit" --version 2>/dev/null | grep -q "^stackaudit $version "; then
    echo "stackaudit $version is already installed"
  else
    cargo install --locked --quiet stackaudit --version "=$version"
  fi
fi
# cargo's bin folder is on PATH on GitHub's runners; say so for the others.
echo "$cargo_bin" >>"${GITHUB_PATH:-/dev/null}"
"$cargo_bin/stackaudit" --version
