#!/usr/bin/env bash
# Runs this checkout's pre-commit hooks (.pre-commit-hooks.yaml) with the real
# pre-commit in a temporary git repository: a valid inventory passes, a broken
# one fails with its file:line:column message, and the manual-stage audit
# hook runs. pre-commit installs the hook from the committed HEAD (a
# `cargo install` of this repository: a release build), so commit first.
# Usage: scripts/pre-commit-test.sh PRE_COMMIT (the pre-commit executable)
set -euo pipefail
cd "$(dirname "$0")/.."
pre_commit="$(realpath "$1")"
repo="$PWD"
rev="$(git rev-parse HEAD)"
# Keep the hook's build and pre-commit's cache between local runs.
export PRE_COMMIT_HOME="$repo/target/pre-commit-home"
export CARGO_TARGET_DIR="$repo/target/pre-commit-build"
# The test is about the hooks, not the optimiser: build the hook's binary
# unoptimised (pre-commit passes the environment on to its `cargo install`),
# a few minutes less than the shipped profile's LTO build.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init --quiet -b main
git config user.name test && git config user.email test@example.com
cp "$repo/stack.example.toml" stack.toml
cat >.pre-commit-config.yaml <<CONFIG
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: stackaudit-validate
      - id: stackaudit-audit
        args: [--as-of, "2026-11-22", --fail-on, critical]
CONFIG
git add . && git commit --quiet -m "a valid inventory"

echo "-- a valid inventory passes"
"$pre_commit" run --all-files --color never

echo "-- the manual-stage audit hook runs (no critical findings: passes)"
"$pre_commit" run stackaudit-audit --hook-stage manual --all-files --color never

echo "-- a broken inventory fails with its file:line message"
printf '\n[[tool]]\nid = "x"\nname = "X"\ncategory = "crm"\nregions = ["atlantis"]\n' >>stack.toml
git add stack.toml
set +e
out="$("$pre_commit" run --all-files --color never 2>&1)"
code=$?
set -e
echo "$out"
if [ "$code" -ne 1 ]; then
  echo "pre-commit-test: expected exit 1 from the broken inventory, got $code" >&2
  exit 1
fi
if ! grep -Eq '^stack\.toml:[0-9]+:[0-9]+: error: ' <<<"$out"; then
  echo "pre-commit-test: no stack.toml:LINE:COLUMN error in the hook's output" >&2
  exit 1
fi
echo "pre-commit-test: the hooks pass a valid inventory and fail a broken one"
