# shellcheck shell=bash
# Shared by the benchmark scripts: one timed run of a command and medians.

# The median of the numbers on standard input, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_once FILE COMMAND...: runs COMMAND once, its output discarded, and
# appends "wall_seconds cpu_seconds peak_kib" (CPU = user + system) to FILE.
time_once() {
  local out="$1"
  shift
  # `audit` exits 1 on findings; time's last line holds the figures.
  /usr/bin/time -f "%e %U %S %M" -o "$out.time" "$@" >/dev/null 2>&1 || true
  tail -1 "$out.time" | awk '{print $1, $2 + $3, $4}' >>"$out"
}
