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
# validate and audit run in alternation, so that the machine's drift (a
# shared host's neighbours, frequency changes) falls on both alike.
# Prints "validate_wall validate_cpu validate_kib audit_wall audit_cpu audit_kib
# pair_ratio": medians of each, and the median of each run's audit wall over
# the validate of the same run (which a drift between runs moves least).
measure() {
  : >"$dir/validate"
  : >"$dir/audit"
  for run in $(seq "$runs"); do
    # Which goes first alternates too, so neither always finds the other's
    # file cache and memory warm.
    for which in $( ((run % 2)) && echo validate audit || echo audit validate); do
      if [ "$which" = validate ]; then
        time_once "$dir/validate" "$bin" validate "$dir/stack.toml"
      else
        # Each audit writes a new report, as a user's first run would.
        rm -f "$dir/report.json"
        time_once "$dir/audit" "$bin" audit "$dir/stack.toml" --as-of 2026-11-22 -f json -o "$dir/report.json"
      fi
    done
  done
  for which in validate audit; do
    for column in 1 2 3; do
      printf '%s ' "$(cut -d' ' -f"$column" "$dir/$which" | median)"
    done
  done
  paste -d' ' "$dir/validate" "$dir/audit" | awk '$1 > 0 { print $4 / $1 }' | median
}
printf '| tools | validate wall s | audit -f json wall s | audit / validate, wall | the same, median of pairs | validate CPU s | audit CPU s | audit / validate, CPU | validate peak MiB | audit peak MiB |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for tools in "$n" "$((4 * n))"; do
  cargo bench --bench engine --quiet -- --tools "$tools" --runs 1 --write "$dir/stack.toml" >/dev/null
  read -r vw vc vm aw ac am pair < <(measure)
  awk -v t="$tools" -v vw="$vw" -v aw="$aw" -v pair="$pair" -v vc="$vc" -v ac="$ac" -v vm="$vm" -v am="$am" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f |\n", t, vw, aw, aw / vw, pair, vc, ac, ac / vc, vm / 1024, am / 1024 }'
done
