#!/usr/bin/env bash
# Size and start-up time of a stackaudit binary: the median wall time of RUNS
# runs (default 51) of `--version` and of `validate stack.example.toml`, after
# 5 warm-up runs. Usage: scripts/bench-release.sh [BINARY] [RUNS]
# (default target/release/stackaudit; build it with `cargo build --release --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/stackaudit}"
runs="${2:-51}"
[ -x "$bin" ] || { echo "bench-release: no binary at $bin" >&2; exit 2; }

median_ms() {
  local i start end times=()
  for i in 1 2 3 4 5; do "$@" >/dev/null; done
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}

size=$(stat -c %s "$bin")
echo "binary: $bin ($(awk -v s="$size" 'BEGIN { printf "%.1f MiB, %d bytes", s / 1048576, s }'))"
echo "stackaudit --version: $(median_ms "$bin" --version) ms (median of $runs)"
echo "stackaudit validate stack.example.toml: $(median_ms "$bin" validate stack.example.toml) ms (median of $runs)"
