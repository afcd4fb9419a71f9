#!/usr/bin/env bash
# Whole-command cost of `audit -f json` against `validate` on the benchmark
# graph (two-way integrations with explicit data lists, a 2,000-spoke iPaaS
# hub) at N and 4N tools: CPU seconds (user + system, median of RUNS) and
# peak memory, from /usr/bin/time. Release build.
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
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # prints "cpu_seconds peak_kib"
  : >"$dir/runs"
  for _ in $(seq "$runs"); do
    # `audit` exits 1 on findings; time's last line holds the figures.
    /usr/bin/time -f "%U %S %M" -o "$dir/time" "$@" >/dev/null 2>&1 || true
    tail -1 "$dir/time" | awk '{print $1 + $2, $3}' >>"$dir/runs"
  done
  echo "$(cut -d' ' -f1 "$dir/runs" | median) $(cut -d' ' -f2 "$dir/runs" | median)"
}
printf '| tools | validate CPU s | audit -f json CPU s | audit / validate | validate peak MiB | audit peak MiB |\n| --- | --- | --- | --- | --- | --- |\n'
for tools in "$n" "$((4 * n))"; do
  cargo bench --bench engine --quiet -- --tools "$tools" --runs 1 --write "$dir/stack.toml" >/dev/null
  read -r vc vm < <(measure "$bin" validate "$dir/stack.toml")
  read -r ac am < <(measure "$bin" audit "$dir/stack.toml" --as-of 2026-11-22 -f json -o "$dir/report.json")
  awk -v t="$tools" -v vc="$vc" -v ac="$ac" -v vm="$vm" -v am="$am" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.0f | %.0f |\n", t, vc, ac, ac / vc, vm / 1024, am / 1024 }'
done
