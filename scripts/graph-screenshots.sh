#!/usr/bin/env bash
# Regenerates the README's pictures of the example's integration graph, as
# seen on screen (docs/graph-screen.png) and on a printed A4 page
# (docs/graph-print.png), from the current build, in headless Chromium.
# Needs Debian's chromium and node; installs the pinned npm packages of
# scripts/browser/ into target/browser-tools when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs}"
mkdir -p target/browser-tools "$out"
if [ ! -d target/browser-tools/node_modules/puppeteer-core ]; then
  cp scripts/browser/package.json scripts/browser/package-lock.json target/browser-tools/
  (cd target/browser-tools && npm ci --no-audit --no-fund --silent)
fi
report="$PWD/target/example-report.html"
set +e
cargo run --quiet --locked -- audit stack.example.toml --as-of 2026-11-22 --format html --output "$report"
code=$?
set -e
# The example has high findings on purpose: exit 1 is the expected outcome.
[ "$code" -eq 1 ] || { echo "graph-screenshots: audit exited $code, expected 1" >&2; exit 1; }
node scripts/browser/check.mjs "$report" --screenshots "$out" >/dev/null
echo "graph-screenshots: wrote $out/graph-screen.png and $out/graph-print.png"
