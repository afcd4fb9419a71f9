#!/usr/bin/env bash
# Two or more builds of stackaudit compared on one inventory, run in
# alternation so that the machine's drift falls on each alike: `validate`
# and `audit -f json` wall seconds, CPU seconds (user + system) and peak
# memory, each the median of RUNS, and the audit/validate ratios.
#   scripts/bench-ab.sh STACK RUNS BINARY...
#   scripts/bench-ab.sh stack.toml 9 before/stackaudit target/release/stackaudit
# An inventory of N tools in the benchmark's graph shape:
#   cargo bench --bench engine -- --tools 10000 --runs 1 --write stack.toml
set -euo pipefail
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
stack="$1"
runs="$2"
shift 2
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for _ in $(seq "$runs"); do
  for i in $(seq $#); do
    bin="${!i}"
    time_once "$dir/v$i" "$bin" validate "$stack"
    rm -f "$dir/report.json"
    time_once "$dir/a$i" "$bin" audit "$stack" --as-of 2026-11-22 -f json -o "$dir/report.json"
  done
done
# The median of one column (1 wall, 2 CPU, 3 peak) of one build's runs.
column() { cut -d' ' -f"$2" "$1" | median; }
printf '| build | validate wall s | audit wall s | ratio, wall | ratio, CPU | validate MiB | audit MiB |\n| --- | --- | --- | --- | --- | --- | --- |\n'
for i in $(seq $#); do
  awk -v b="${!i}" -v vw="$(column "$dir/v$i" 1)" -v vc="$(column "$dir/v$i" 2)" \
    -v vm="$(column "$dir/v$i" 3)" -v aw="$(column "$dir/a$i" 1)" \
    -v ac="$(column "$dir/a$i" 2)" -v am="$(column "$dir/a$i" 3)" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f |\n", b, vw, aw, aw / vw, ac / vc, vm / 1024, am / 1024 }'
done
