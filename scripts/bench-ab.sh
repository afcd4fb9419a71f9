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
stack="$1"
runs="$2"
shift 2
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() { # appends "wall cpu peak_kib" to $1
  local out="$1"
  shift
  # `audit` exits 1 on findings; time's last line holds the figures.
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$@" >/dev/null 2>&1 || true
  tail -1 "$dir/time" | awk '{print $1, $2 + $3, $4}' >>"$out"
}
for _ in $(seq "$runs"); do
  for i in $(seq $#); do
    bin="${!i}"
    run "$dir/v$i" "$bin" validate "$stack"
    rm -f "$dir/report.json"
    run "$dir/a$i" "$bin" audit "$stack" --as-of 2026-11-22 -f json -o "$dir/report.json"
  done
done
printf '| build | validate wall s | audit wall s | ratio, wall | ratio, CPU | validate MiB | audit MiB |\n| --- | --- | --- | --- | --- | --- | --- |\n'
for i in $(seq $#); do
  col() { cut -d' ' -f"$2" "$dir/$1$i" | median; }
  awk -v b="${!i}" -v vw="$(col v 1)" -v vc="$(col v 2)" -v vm="$(col v 3)" \
    -v aw="$(col a 1)" -v ac="$(col a 2)" -v am="$(col a 3)" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f |\n", b, vw, aw, aw / vw, ac / vc, vm / 1024, am / 1024 }'
done
