#!/usr/bin/env bash
# Renders the example's HTML report in headless Chromium and checks that the
# page loads and draws. Usage: scripts/html-screenshot.sh [OUT.png]
# Needs Debian's chromium package (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/report.png}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "html-screenshot: chromium not installed; skipped" >&2
  exit 0
fi
mkdir -p target
report="$PWD/target/example-report.html"
set +e
cargo run --quiet --locked -- audit stack.example.toml --as-of 2026-11-22 --format html --output "$report"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "html-screenshot: audit exited $code, expected 1" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
# The flags keep Chromium off the network entirely; the page itself forbids loading anything.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size=1200,2400 --screenshot="$out" "file://$report" 2>"$profile/stderr.log" || {
  cat "$profile/stderr.log" >&2; exit 1; }
dom="$(timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --user-data-dir="$profile" --dump-dom "file://$report" 2>/dev/null)"
size=$(stat -c %s "$out")
if [ "$size" -lt 20000 ]; then echo "html-screenshot: screenshot is only $size bytes" >&2; exit 1; fi
for needle in "Executive summary" "Integration graph" "Findings by tool"; do
  grep -q "$needle" <<<"$dom" || { echo "html-screenshot: rendered page lacks '$needle'" >&2; exit 1; }
done
echo "html-screenshot: rendered $report to $out ($size bytes)"
