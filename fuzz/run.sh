#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60), two at a time.
#   fuzz/run.sh 600                       # every target, ten minutes each
#   fuzz/run.sh 5 inventory_toml rule     # a smoke test of two targets
# Uses cargo-fuzz (cargo install cargo-fuzz). On a stable toolchain the
# nightly-only flags are enabled with RUSTC_BOOTSTRAP=1; no sanitizer is
# used, so findings are panics, hangs (-timeout) and excessive allocation
# (-rss_limit_mb, -malloc_limit_mb).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(inventory_toml inventory_yaml inventory_json rule baseline)
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none -O >/dev/null
run() {
  local t="$1"
  mkdir -p "corpus/$t" "artifacts/$t"
  local code=0
  cargo fuzz run --sanitizer none -O "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"artifacts/$t.log" 2>&1 || code=$?
  echo "$t: exit $code; $(grep -E '^stat::number_of_executed_units' "artifacts/$t.log" | tail -1)"
  return $code
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" & a=$!
  b=""
  if [ $((i + 1)) -lt ${#targets[@]} ]; then run "${targets[i+1]}" & b=$!; fi
  wait $a || status=1
  [ -z "$b" ] || wait $b || status=1
done
exit $status
