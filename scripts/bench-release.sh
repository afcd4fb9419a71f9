#!/usr/bin/env bash
# Size and start-up time of stackaudit binaries: for each BINARY, its size and
# the median (and fastest) wall time of RUNS runs (default 200, after 10
# warm-up runs) of `--version` and of `validate stack.example.toml`, measured
# with hyperfine (apt-get install hyperfine) without a shell in between.
# Usage: scripts/bench-release.sh [RUNS] [BINARY...]
# (default: target/release/stackaudit; build it with `cargo build --release --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-200}"
shift || true
[ "$#" -gt 0 ] || set -- target/release/stackaudit
command -v hyperfine >/dev/null 2>&1 || { echo "bench-release: needs hyperfine" >&2; exit 2; }
json="$(mktemp)"
trap 'rm -f "$json"' EXIT

# "median ms (fastest ms)" of one command line.
timing() {
  hyperfine -N --style none --warmup 10 --runs "$runs" --export-json "$json" "$1" >/dev/null 2>&1
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.1f ms (fastest %.1f ms)" % (r["median"] * 1000, r["min"] * 1000))' "$json"
}

for bin in "$@"; do
  [ -x "$bin" ] || { echo "bench-release: no binary at $bin" >&2; exit 2; }
  size=$(stat -c %s "$bin")
  echo "$bin: $(awk -v s="$size" 'BEGIN { printf "%.1f MiB (%d bytes)", s / 1048576, s }')"
  echo "  --version:                     $(timing "$bin --version")"
  echo "  validate stack.example.toml:   $(timing "$bin validate stack.example.toml")"
done
