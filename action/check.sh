#!/usr/bin/env bash
# Run `aicost check` with the action's inputs (all passed in through the environment, never
# interpolated into the script) and publish its results as step outputs. The exit code is
# recorded, not returned: the comment step runs first, and the gate step fails the job.
set -uo pipefail

out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/aicost"
mkdir -p "$out_dir"
report="$out_dir/report.json"
markdown="$out_dir/comment.md"
rm -f "$report" "$markdown"

emit() {
    # name<<DELIMITER form with a random delimiter: a value can never end it early.
    local delimiter
    delimiter="ghadelimiter_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"${GITHUB_OUTPUT:-/dev/null}"
}

cd "${INPUT_WORKING_DIRECTORY:-.}" || {
    echo "::error title=aicost::working-directory does not exist"
    emit verdict error
    emit exit_code 2
    exit 0
}

read -r -d '' -a words <<<"${INPUT_PATHS:-}" || true
paths=()
for word in "${words[@]}"; do
    # Glob patterns (envs/*/plan.json) are expanded against the files, never evaluated.
    if [[ "$word" == *[\*\?\[]* ]] && matches="$(compgen -G "$word")"; then
        while IFS= read -r match; do paths+=("$match"); done <<<"$matches"
    else
        paths+=("$word")
    fi
done
if [ "${#paths[@]}" -eq 0 ]; then
    echo "::error title=aicost::the 'paths' input is empty: give plan JSON files or Terraform directories"
    emit verdict error
    emit exit_code 2
    exit 0
fi

args=(check --format "json=$report" --format "markdown=$markdown" --format github
    --max-rows "${INPUT_MAX_ROWS:-50}")
if [ -n "${INPUT_POLICY:-}" ]; then
    args+=(--policy "$INPUT_POLICY")
fi
if [ -n "${INPUT_BASELINE:-}" ]; then
    if [ -f "$INPUT_BASELINE" ]; then
        args+=(--baseline "$INPUT_BASELINE")
    else
        echo "::warning title=aicost::baseline report $INPUT_BASELINE not found; comparing without a baseline"
    fi
fi
if [ -n "${INPUT_FAIL_ON:-}" ]; then
    args+=(--fail-on "$INPUT_FAIL_ON")
fi
read -r -d '' -a formats <<<"${INPUT_FORMATS:-}" || true
for format in "${formats[@]}"; do
    args+=(--format "$format")
done
sarif=""
if [ "${INPUT_UPLOAD_SARIF:-false}" = "true" ]; then
    sarif="$out_dir/aicost.sarif"
    args+=(--format "sarif=$sarif")
fi

# COLUMNS: a wider table in logs; `--` ends the options, so no path is read as one.
COLUMNS="${COLUMNS:-160}" aicost "${args[@]}" -- "${paths[@]}"
code=$?

emit exit_code "$code"
if [ -f "$report" ]; then
    emit report "$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
    emit markdown "$markdown"
    # Read the outputs from the report (data, not code: parsed as JSON).
    python - "$report" <<'PY' >>"${GITHUB_OUTPUT:-/dev/null}"
import json, secrets, sys

report = json.load(open(sys.argv[1], encoding="utf-8"))
summary = report.get("summary") or {}
baseline = report.get("baseline") or {}
delta = baseline.get("delta_monthly_cost") if baseline else summary.get("delta_monthly_cost")
for name, value in (
    ("verdict", report.get("verdict", "error")),
    ("monthly_cost", summary.get("monthly_cost") or "0.00"),
    ("delta_monthly_cost", delta or "0.00"),
):
    delimiter = "ghadelimiter_" + secrets.token_hex(16)
    print(f"{name}<<{delimiter}\n{value}\n{delimiter}")
PY
else
    emit verdict error
fi
if [ -n "$sarif" ] && [ -f "$sarif" ]; then
    emit sarif "$(cd "$(dirname "$sarif")" && pwd)/$(basename "$sarif")"
fi
exit 0
