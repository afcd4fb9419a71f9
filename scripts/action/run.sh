#!/usr/bin/env bash
# The audit step of the GitHub Action (action.yml): audits the inventory,
# writes SARIF for code scanning and the Markdown report to the job summary,
# and on a pull request reports only what the pull request adds (--base, the
# base branch's inventory read with `git show`). Exits with the audit's code:
# 0 clean, 1 findings at or above fail-on, 2 invalid input.
#
# Inputs (environment): INPUT_STACK (default stack.toml), INPUT_ARGS (extra
# `audit` flags, split like a shell: quotes allowed, no expansion),
# INPUT_FAIL_ON (default high), STACKAUDIT (the binary, default stackaudit).
# From GitHub: GITHUB_EVENT_NAME, GITHUB_BASE_REF, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP. Outputs: exit-code, summary, sarif-file
# (when written), markdown-file, base (the base inventory's ref, if any).
set -uo pipefail

stack="${INPUT_STACK:-stack.toml}"
fail_on="${INPUT_FAIL_ON:-high}"
bin="${STACKAUDIT:-stackaudit}"
output="${GITHUB_OUTPUT:-/dev/null}"
summary_file="${GITHUB_STEP_SUMMARY:-/dev/null}"
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/stackaudit-action"
rm -rf "$work" && mkdir -p "$work" || exit 2

# Extra flags: xargs splits like a shell (quotes, backslashes) without
# expanding anything.
extra=()
if [ -n "${INPUT_ARGS:-}" ]; then
  mapfile -t extra < <(printf '%s\n' "$INPUT_ARGS" | xargs -n 1 printf '%s\n') || {
    echo "::error title=stackaudit::the args input is not valid shell words: ${INPUT_ARGS}"
    echo "exit-code=2" >>"$output"
    exit 2
  }
fi

# On a pull request, the base branch's version of the same inventory.
base=()
base_note=""
case "${GITHUB_EVENT_NAME:-}" in
  pull_request | pull_request_target)
    ref="${GITHUB_BASE_REF:-}"
    if [ -n "$ref" ]; then
      remote_ref="refs/remotes/origin/$ref"
      # actions/checkout fetches only the merge commit: fetch the base tip.
      if ! git rev-parse --verify --quiet "$remote_ref^{commit}" >/dev/null; then
        git fetch --quiet --no-tags --depth=1 origin "+refs/heads/$ref:$remote_ref" ||
          echo "::warning title=stackaudit::cannot fetch the base branch $ref; auditing every finding"
      fi
      ext="${stack##*.}"
      base_file="$work/base-stack.$ext"
      if git rev-parse --verify --quiet "$remote_ref^{commit}" >/dev/null; then
        if git show "$remote_ref:./$stack" >"$base_file" 2>/dev/null; then
          base=(--base "$base_file")
          echo "base=origin/$ref" >>"$output"
          base_note="Only findings this pull request adds are reported (base: \`$ref\`)."
        else
          base_note="\`$stack\` is new in this pull request: every finding is reported."
        fi
      fi
    fi
    ;;
esac

sarif="$work/stackaudit.sarif"
markdown="$work/stackaudit.md"
errors="$work/stderr.txt"

line=$("$bin" audit "$stack" --fail-on "$fail_on" "${base[@]}" "${extra[@]}" \
  --format sarif --output "$sarif" --quiet 2>"$errors")
code=$?
cat "$errors" >&2
echo "exit-code=$code" >>"$output"

if [ "$code" -le 1 ]; then
  echo "$line"
  echo "summary=$line" >>"$output"
  [ -f "$sarif" ] && echo "sarif-file=$sarif" >>"$output"
  # The job summary holds up to 1 MiB; the report leaves out the least
  # severe findings first to fit.
  "$bin" audit "$stack" --fail-on "$fail_on" "${base[@]}" "${extra[@]}" \
    --format markdown --max-bytes 1000000 --output "$markdown" 2>/dev/null
  if [ -f "$markdown" ]; then
    echo "markdown-file=$markdown" >>"$output"
    {
      [ -n "$base_note" ] && printf '%s\n\n' "$base_note"
      cat "$markdown"
    } >>"$summary_file"
  fi
else
  {
    echo "### stackaudit could not audit \`$stack\` (exit $code)"
    echo
    echo '```'
    cat "$errors"
    echo '```'
  } >>"$summary_file"
  echo "::error title=stackaudit::cannot audit $stack (exit $code); see the job summary"
fi
exit "$code"
