#!/usr/bin/env bash
# Opens the example audit workbook in LibreOffice (headless), converts it to
# PDF and its first page (the Summary sheet with the chart) to PNG, which
# proves that LibreOffice reads the file without a repair prompt: a workbook
# it cannot open fails the conversion.
# Usage: scripts/workbook-screenshot.sh [OUT.png]   (docs/workbook.png is the committed one)
# Installs Debian's libreoffice-calc and poppler-utils with apt-get when it can
# (as root); elsewhere, without them, it prints a skipped line and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/workbook.png}"
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    start=$(date +%s)
    apt-get install -y -qq --no-install-recommends libreoffice-calc poppler-utils >/dev/null ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-calc poppler-utils >/dev/null; } || true
    echo "workbook-screenshot: installed LibreOffice in $(( $(date +%s) - start )) s"
  fi
fi
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  echo "workbook-screenshot: skipped: libreoffice-calc or poppler-utils is not installed and cannot be" >&2
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
book="$work/review.xlsx"
set +e
cargo run --quiet --locked -- audit stack.example.toml --as-of 2026-11-22 --output "$book"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "workbook-screenshot: audit exited $code, expected 1" >&2; exit 1; }
# Its own profile, so no user settings or first-start dialogs interfere.
timeout 180 soffice --headless --norestore "-env:UserInstallation=file://$work/profile" \
  --convert-to pdf --outdir "$work" "$book" >"$work/soffice.log" 2>&1 || {
  cat "$work/soffice.log" >&2; echo "workbook-screenshot: LibreOffice could not convert the workbook" >&2; exit 1; }
pdf="$work/review.pdf"
[ -s "$pdf" ] || { cat "$work/soffice.log" >&2; echo "workbook-screenshot: no PDF written" >&2; exit 1; }
pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
text=$(pdftotext "$pdf" - 2>/dev/null)
for needle in "stackaudit audit" "Northwind Traders" "Findings by severity" "salesforce" "backup-unknown"; do
  grep -q "$needle" <<<"$text" || { echo "workbook-screenshot: the PDF lacks '$needle'" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$pdf" "${out%.png}"
size=$(stat -c %s "$out")
if [ "$size" -lt 10000 ]; then echo "workbook-screenshot: the PNG is only $size bytes" >&2; exit 1; fi
echo "workbook-screenshot: LibreOffice opened the workbook: ${pages:-?} PDF pages, page 1 as $out ($size bytes)"
