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

absolute() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }

# Options that decide what is priced and how (the base branch's check uses them too, with
# this branch's policy and usage file, so that the two reports compare like with like).
common=(--max-rows "${INPUT_MAX_ROWS:-50}")
policy="${INPUT_POLICY:-}"
if [ -z "$policy" ]; then
    for candidate in aicost.yaml .aicost.yaml; do
        if [ -f "$candidate" ]; then policy="$candidate"; break; fi
    done
fi
if [ -n "$policy" ]; then
    common+=(--policy "$(absolute "$policy")")
fi
if [ -n "${INPUT_USAGE_FILE:-}" ]; then
    common+=(--usage-file "$(absolute "$INPUT_USAGE_FILE")")
fi
if [ -n "${INPUT_WORKSPACE:-}" ]; then
    common+=(--workspace "$INPUT_WORKSPACE")
fi

args=(check --format "json=$report" --format "markdown=$markdown" --format github "${common[@]}")
if [ -n "${INPUT_SOURCE_DIR:-}" ]; then
    args+=(--source-dir "$INPUT_SOURCE_DIR")
fi
read -r -d '' -a waiver_files <<<"${INPUT_WAIVERS:-}" || true
for waiver_file in "${waiver_files[@]}"; do
    args+=(--waivers "$waiver_file")
done
if [ "${INPUT_SOFT_FAIL:-false}" = "true" ]; then
    args+=(--soft-fail)
fi

baseline="${INPUT_BASELINE:-}"
if [ -n "$baseline" ] && [ ! -f "$baseline" ]; then
    echo "::warning title=aicost::baseline report $baseline not found; comparing without a baseline"
    baseline=""
fi
if [ -z "${INPUT_BASELINE:-}" ] && [ "${INPUT_COMPARE_BASE:-auto}" != "false" ] \
    && [ -n "${INPUT_BASE_REF:-}" ]; then
    # Static mode (raw .tf): the base branch's own report, built here from a worktree of the
    # base commit. Plan JSON cannot be rebuilt without terraform: give `baseline` instead.
    static=true
    for path in "${paths[@]}"; do
        case "$path" in *.json | -) static=false ;; esac
    done
    top="$(git rev-parse --show-toplevel 2>/dev/null || true)"
    if [ "$static" = true ] && [ -n "$top" ]; then
        if ! git -C "$top" cat-file -e "${INPUT_BASE_REF}^{commit}" 2>/dev/null; then
            git -C "$top" fetch --quiet --no-tags --depth=1 origin "$INPUT_BASE_REF" 2>/dev/null || true
        fi
        base_tree="$out_dir/base-tree"
        rm -rf "$base_tree"
        git -C "$top" worktree prune 2>/dev/null || true
        if git -C "$top" worktree add --quiet --detach "$base_tree" "$INPUT_BASE_REF" 2>/dev/null; then
            here="$(python -c 'import os, sys; print(os.path.relpath(os.getcwd(), sys.argv[1]))' "$top")"
            base_report="$out_dir/base-report.json"
            rm -f "$base_report"
            echo "aicost: checking the base branch ($INPUT_BASE_REF) to compare with"
            (cd "$base_tree/$here" 2>/dev/null \
                && COLUMNS=160 aicost check --format "json=$base_report" "${common[@]}" -- "${paths[@]}" >/dev/null) || true
            git -C "$top" worktree remove --force "$base_tree" 2>/dev/null || true
            if [ -f "$base_report" ]; then
                baseline="$base_report"
                emit base_report "$base_report"
            else
                echo "::notice title=aicost::the base branch has none of these paths; every workload is new"
            fi
        else
            echo "::warning title=aicost::could not check out the base commit $INPUT_BASE_REF (fetch-depth?); comparing without it"
        fi
    fi
fi
if [ -n "$baseline" ]; then
    args+=(--baseline "$baseline")
    if [ "${INPUT_NEW_ONLY:-false}" = "true" ]; then
        args+=(--new-only)
    fi
elif [ "${INPUT_NEW_ONLY:-false}" = "true" ]; then
    echo "::warning title=aicost::new-only needs a baseline (the baseline input, or raw Terraform on a pull request); every finding counts"
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
category="${INPUT_SARIF_CATEGORY:-${INPUT_WORKSPACE:-}}"
if [ -n "$category" ]; then
    args+=(--sarif-category "$category")
    emit sarif_category "aicost/$category"
else
    emit sarif_category "aicost"
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
