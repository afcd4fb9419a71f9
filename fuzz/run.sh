#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60), two at a time.
#   fuzz/run.sh 600                       # every target, ten minutes each
#   fuzz/run.sh 5 inventory_toml rule     # a smoke test of two targets
#   FUZZ_KEEP_GOING=1 fuzz/run.sh 600     # a campaign: go on past findings
# Uses cargo-fuzz (cargo install cargo-fuzz). On a stable toolchain the
# nightly-only flags are enabled with RUSTC_BOOTSTRAP=1; no sanitizer is
# used, so findings are panics, hangs (-timeout) and excessive allocation
# (-rss_limit_mb, -malloc_limit_mb). Findings land in artifacts/<target>/,
# the inputs that grew coverage in corpus/<target>/, the log in
# artifacts/<target>.log. Without FUZZ_KEEP_GOING a target stops at its
# first finding and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(structured structured_large evidence inventory_toml inventory_yaml inventory_json rule baseline)
export RUSTC_BOOTSTRAP=1
bash dict/generate.sh
cargo fuzz build --sanitizer none -O >/dev/null

# Per-target libFuzzer options. The byte-level targets get the dictionary
# of keys, check ids, parameters and region codes; the structure-aware ones
# read their bytes as choices, where words do not help, and need room:
# structured_large is the large-input target (1 MB).
options() {
  case "$1" in
    structured) echo "-max_len=65536" ;;
    structured_large) echo "-max_len=1048576 -timeout=30" ;;
    evidence) echo "-max_len=65536 -dict=dict/stackaudit.dict" ;;
    *) echo "-dict=dict/stackaudit.dict" ;;
  esac
}

run() {
  local t="$1"
  mkdir -p "corpus/$t" "artifacts/$t"
  local keep_going=()
  if [ -n "${FUZZ_KEEP_GOING:-}" ]; then
    keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  local code=0
  # shellcheck disable=SC2046 # options() yields separate words on purpose
  cargo fuzz run --sanitizer none -O "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    $(options "$t") "${keep_going[@]}" \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"artifacts/$t.log" 2>&1 || code=$?
  summary "$t" "$code"
  return $code
}

# One line per target: executions, coverage, corpus and findings.
summary() {
  local t="$1" log="artifacts/$1.log"
  local execs cov ft
  execs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
  # Without final stats (fork mode) the last status line's count stands in.
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  local corpus findings
  corpus=$(find "corpus/$t" -type f | wc -l)
  findings=$(find "artifacts/$t" -type f | sed 's|.*/||; s|-.*||' | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
  echo "$t: exit $2; executions ${execs:-?}; cov ${cov:-?}; ft ${ft:-?}; corpus $corpus; findings: ${findings:-none}"
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
