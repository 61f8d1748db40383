#!/usr/bin/env bash
# Install aicost from the action's own checkout (the version this action pins), unless that
# exact version is already installed (a self-hosted runner, or a job that installed it),
# then build the HCL grammar cache once so that static mode starts fast.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
AICOST_WANT="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/pyproject.toml" | head -n 1)"
export AICOST_WANT

if command -v aicost >/dev/null 2>&1 \
    && python -c 'import os, sys, aicost; sys.exit(aicost.__version__ != os.environ["AICOST_WANT"])' 2>/dev/null; then
    echo "aicost $AICOST_WANT is already installed"
else
    python -m pip install --disable-pip-version-check --quiet "$action_path"
fi
python -m aicost.sources.hclparse
aicost --version
