#!/usr/bin/env bash
# Fail the job as `aicost check` decided: 0 pass, 1 policy or budget failure, 2 bad input or
# configuration, 3 internal error.
set -euo pipefail

code="${AICOST_EXIT_CODE:-3}"
case "$code" in
    0) echo "aicost: pass" ;;
    1) echo "::error title=aicost::the cost policy failed (see the findings above and the job summary)" ;;
    2) echo "::error title=aicost::aicost could not read its input or policy (see the log above)" ;;
    *) echo "::error title=aicost::aicost stopped with an internal error ($code)"; code=3 ;;
esac
exit "$code"
