#!/usr/bin/env bash
# Regenerate the Terraform plan JSON fixtures used by aicost's tests.
#
#   scripts/regen_plans.sh                 # every scenario + the README example
#   scripts/regen_plans.sh aws_mixed       # just one (or several) scenarios
#   scripts/regen_plans.sh example         # just examples/plan.json
#
# For each scenario in tests/fixtures/terraform/<scenario>/ this copies the
# configuration to a temporary directory, seeds terraform.tfstate from
# seed.tfstate when present, runs `terraform init` against a local filesystem
# mirror of hashicorp/aws, `terraform plan -refresh=false`, and writes
# `terraform show -json` (pretty-printed) to tests/fixtures/plans/<scenario>.json.
#
# Works fully offline: only a local provider mirror is needed
# (AICOST_TF_MIRROR, default /opt/tf-plugins). Nothing is ever written into
# the repository except the JSON outputs; Terraform runs only in temp dirs.
#
# Post-processing is limited to what makes re-runs byte-identical:
#   * the top-level "timestamp" (when the plan was made) is pinned;
#   * "relevant_attributes" (an unordered set that Terraform emits in Go map
#     order, i.e. randomly) is sorted;
#   * "child_modules" lists in planned_values / prior_state (whose order for
#     nested module instances varies between runs) are sorted by address.
# Everything else is exactly what `terraform show -json` printed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCENARIO_ROOT="$REPO_ROOT/tests/fixtures/terraform"
PLAN_ROOT="$REPO_ROOT/tests/fixtures/plans"
EXAMPLE_SRC="$REPO_ROOT/examples/terraform"
EXAMPLE_OUT="$REPO_ROOT/examples/plan.json"
MIRROR="${AICOST_TF_MIRROR:-/opt/tf-plugins}"
PINNED_TIMESTAMP="2025-01-01T00:00:00Z"

die() {
    echo "regen_plans: error: $*" >&2
    exit 1
}

command -v terraform >/dev/null 2>&1 \
    || die "terraform not found on PATH (tested with Terraform v1.11.4)"
command -v python3 >/dev/null 2>&1 || die "python3 not found on PATH"
[[ -d "$MIRROR/registry.terraform.io/hashicorp/aws" ]] \
    || die "no hashicorp/aws provider mirror under '$MIRROR' (expected $MIRROR/registry.terraform.io/hashicorp/aws/<version>/linux_amd64/...); set AICOST_TF_MIRROR"
MIRROR="$(cd "$MIRROR" && pwd)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/aicost-regen.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Terraform CLI config: install hashicorp/aws only from the local mirror.
cat >"$WORK/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF

# Hermetic environment: no ambient AWS credentials/profiles, no TF_VAR_*
# overrides, no data dir/workspace redirection, no update checks.
while IFS= read -r var; do
    unset "$var"
done < <(compgen -e | grep -E '^(AWS_|TF_VAR_|TF_DATA_DIR$|TF_WORKSPACE$|TF_CLI_ARGS)' || true)
export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc"
export TF_IN_AUTOMATION=1
export TF_INPUT=0
export CHECKPOINT_DISABLE=1

# plan_one NAME SRC_DIR OUT_FILE
plan_one() {
    local name="$1" src="$2" out="$3"
    local dir="$WORK/$name"
    local log="$WORK/$name.log"

    [[ -f "$src/main.tf" ]] || die "$name: $src/main.tf not found"
    echo "==> $name"

    mkdir -p "$dir"
    # Copy the configuration, but never any local Terraform working files.
    (cd "$src" && tar --exclude='.terraform' --exclude='.terraform.lock.hcl' \
        --exclude='terraform.tfstate*' --exclude='tfplan' -cf - .) \
        | (cd "$dir" && tar -xf -)
    if [[ -f "$dir/seed.tfstate" ]]; then
        mv "$dir/seed.tfstate" "$dir/terraform.tfstate"
    fi

    if ! (cd "$dir" \
        && terraform init -input=false -no-color -backend=false >"$log" 2>&1 \
        && terraform plan -refresh=false -input=false -lock=false -no-color \
            -out=tfplan >>"$log" 2>&1 \
        && terraform show -json tfplan >plan.raw.json 2>>"$log"); then
        cat "$log" >&2
        die "$name: terraform failed (log above)"
    fi

    mkdir -p "$(dirname "$out")"
    python3 - "$dir/plan.raw.json" "$out.tmp" "$PINNED_TIMESTAMP" <<'PY'
import json
import sys

src, dst, timestamp = sys.argv[1:4]
with open(src, encoding="utf-8") as fh:
    plan = json.load(fh)
if "timestamp" in plan:
    plan["timestamp"] = timestamp


def sort_child_modules(module):
    children = module.get("child_modules")
    if isinstance(children, list):
        children.sort(key=lambda child: child.get("address", ""))
        for child in children:
            sort_child_modules(child)


sort_child_modules(plan.get("planned_values", {}).get("root_module", {}))
sort_child_modules(plan.get("prior_state", {}).get("values", {}).get("root_module", {}))
if isinstance(plan.get("relevant_attributes"), list):
    plan["relevant_attributes"].sort(
        key=lambda ra: json.dumps(ra, sort_keys=True, ensure_ascii=False)
    )
with open(dst, "w", encoding="utf-8") as fh:
    json.dump(plan, fh, indent=1, ensure_ascii=False)
    fh.write("\n")
PY
    mv "$out.tmp" "$out"
    echo "    wrote ${out#"$REPO_ROOT"/} ($(wc -c <"$out") bytes)"
}

all_scenarios() {
    local d
    for d in "$SCENARIO_ROOT"/*/; do
        [[ -f "$d/main.tf" ]] && basename "$d"
    done
    echo example
}

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(all_scenarios)
fi

for target in "${targets[@]}"; do
    case "$target" in
        example | examples)
            plan_one example "$EXAMPLE_SRC" "$EXAMPLE_OUT"
            ;;
        *)
            [[ -d "$SCENARIO_ROOT/$target" ]] \
                || die "unknown scenario '$target' (have: $(all_scenarios | tr '\n' ' '))"
            plan_one "$target" "$SCENARIO_ROOT/$target" "$PLAN_ROOT/$target.json"
            ;;
    esac
done
