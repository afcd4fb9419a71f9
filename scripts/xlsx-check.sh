#!/usr/bin/env bash
# The workbooks read by a second XLSX reader (Python's openpyxl, in a virtual
# environment under target/), and the questionnaire round trip as a vendor
# does it: openpyxl fills in the answers, `questionnaire --read --into` writes
# them into a copy of the example stack, and the next audit has the
# questionnaire's findings closed.
# Usage: scripts/xlsx-check.sh   (in CI: .ci/run; needs python3 with venv and pip)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/xlsx-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import openpyxl" 2>/dev/null; then
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
      apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$venv"
    else
      echo "xlsx-check: skipped: python3 -m venv is not available" >&2
      exit 0
    fi
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check openpyxl
fi
py="$venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sa() { cargo run --quiet --locked -- "$@"; }
expect_exit() {
  local want=$1; shift
  set +e; "$@"; local got=$?; set -e
  [ "$got" -eq "$want" ] || { echo "xlsx-check: '$*' exited $got, expected $want" >&2; exit 1; }
}

expect_exit 1 sa audit stack.example.toml --as-of 2026-11-22 -o "$work/review.xlsx"
"$py" scripts/xlsx_check.py audit "$work/review.xlsx"
expect_exit 1 sa audit tests/fixtures/hostile.toml --as-of 2026-11-22 -o "$work/hostile.xlsx"
"$py" scripts/xlsx_check.py hostile "$work/hostile.xlsx"

cp stack.example.toml "$work/stack.toml"
sa questionnaire qualified --stack "$work/stack.toml" --as-of 2026-11-22 -o "$work/questionnaire.xlsx"
"$py" scripts/xlsx_check.py fill "$work/questionnaire.xlsx" "$work/answered.xlsx"
findings() {
  set +e
  sa audit "$1" --as-of 2026-11-22 --tool qualified -f json >"$work/audit.json"
  set -e
  "$py" -c 'import json,sys; print(" ".join(sorted({f["check"] for f in json.load(open(sys.argv[1]))["findings"] if f["tool"] == "qualified"})))' "$work/audit.json"
}
before=$(findings "$work/stack.toml")
sa questionnaire --read "$work/answered.xlsx" --into "$work/stack.toml" --as-of 2026-11-22
after=$(findings "$work/stack.toml")
for check in compliance-dpa-missing encryption-unknown backup-unknown residency-region-unknown; do
  grep -qw "$check" <<<"$before" || { echo "xlsx-check: $check was not open before the answers" >&2; exit 1; }
  if grep -qw "$check" <<<"$after"; then echo "xlsx-check: $check is still open after the answers" >&2; exit 1; fi
done
grep -q '^# An example B2B marketing-technology stack' "$work/stack.toml" || { echo "xlsx-check: the inventory lost its comments" >&2; exit 1; }
echo "xlsx-check: round trip closed: compliance-dpa-missing encryption-unknown backup-unknown residency-region-unknown (open before: $before; after: ${after:-none})"
