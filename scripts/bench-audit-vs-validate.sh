#!/usr/bin/env bash
# Whole-command cost of `audit -f json` against `validate` on the benchmark
# graph (two-way integrations with explicit data lists, a 2,000-spoke iPaaS
# hub) at N and 4N tools: wall seconds and CPU seconds (user + system; the
# audit runs on all cores, so its CPU time exceeds its wall time), each the
# median of RUNS, and peak memory, from /usr/bin/time. Release build.
#   scripts/bench-audit-vs-validate.sh            # 2,500 and 10,000 tools, 3 runs
#   scripts/bench-audit-vs-validate.sh 5000 5
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2500}"
runs="${2:-3}"
cargo build --release --quiet
cargo bench --bench engine --no-run --quiet 2>/dev/null || true
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
bin=target/release/stackaudit
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
measure() { # prints "wall_seconds cpu_seconds peak_kib"
  : >"$dir/runs"
  for _ in $(seq "$runs"); do
    # Each audit writes a new report, as a user's first run would.
    rm -f "$dir/report.json"
    time_once "$dir/runs" "$@"
  done
  echo "$(cut -d' ' -f1 "$dir/runs" | median) $(cut -d' ' -f2 "$dir/runs" | median) $(cut -d' ' -f3 "$dir/runs" | median)"
}
printf '| tools | validate wall s | audit -f json wall s | audit / validate, wall | validate CPU s | audit CPU s | audit / validate, CPU | validate peak MiB | audit peak MiB |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for tools in "$n" "$((4 * n))"; do
  cargo bench --bench engine --quiet -- --tools "$tools" --runs 1 --write "$dir/stack.toml" >/dev/null
  read -r vw vc vm < <(measure "$bin" validate "$dir/stack.toml")
  read -r aw ac am < <(measure "$bin" audit "$dir/stack.toml" --as-of 2026-11-22 -f json -o "$dir/report.json")
  awk -v t="$tools" -v vw="$vw" -v aw="$aw" -v vc="$vc" -v ac="$ac" -v vm="$vm" -v am="$am" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f |\n", t, vw, aw, aw / vw, vc, ac, ac / vc, vm / 1024, am / 1024 }'
done
