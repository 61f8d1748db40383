#!/usr/bin/env bash
# Post or update the sticky pull-request comment. Never fails the job: a comment that cannot
# be posted (a fork's read-only token, an outage) is a warning; the gate step decides.
set -uo pipefail

emit() {
    local delimiter
    delimiter="ghadelimiter_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"${GITHUB_OUTPUT:-/dev/null}"
}

mode="${INPUT_COMMENT:-update}"
case "$mode" in
    off) echo "aicost: comment is off"; exit 0 ;;
    update | new | delete-and-new) ;;
    *) echo "::warning title=aicost::comment input must be update, new, delete-and-new or off, not '$mode'"; exit 0 ;;
esac
if [ -z "${AICOST_PR:-}" ]; then
    echo "aicost: not a pull_request event; no comment"
    exit 0
fi
if [ -z "${AICOST_REPORT:-}" ] || [ ! -f "$AICOST_REPORT" ]; then
    echo "aicost: no report to comment with (the check could not run)"
    exit 0
fi

args=(comment github --report "$AICOST_REPORT" --pr "$AICOST_PR" --behavior "$mode"
    --max-rows "${INPUT_MAX_ROWS:-50}")
if [ -n "${INPUT_COMMENT_TAG:-}" ]; then
    args+=(--tag "$INPUT_COMMENT_TAG")
fi
if [ -n "${INPUT_COMMENT_AUTHOR:-}" ]; then
    args+=(--author "$INPUT_COMMENT_AUTHOR")
fi
if url="$(aicost "${args[@]}")"; then
    if [ -n "$url" ]; then
        emit url "$url"
    fi
else
    echo "::warning title=aicost::the pull-request comment could not be posted (see the log above)"
fi
exit 0
