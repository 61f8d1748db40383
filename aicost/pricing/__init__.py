"""Price tables: dated, sourced, offline.

Each table is a JSON file under ``pricing/<cloud>/<service>.json`` (see
``pricing/README.md`` for the format and the sources). The registry below is the one
place a table is added.
"""

from __future__ import annotations

import os
from pathlib import Path

from aicost.core.data import data_dir

#: (cloud, service) -> table file, relative to a price directory.
TABLES: dict[tuple[str, str], str] = {
    ("aws", "ec2"): "aws/ec2.json",
    ("aws", "ec2-windows"): "aws/ec2.json",
    ("aws", "sagemaker"): "aws/sagemaker.json",
    ("gcp", "compute"): "gcp/compute.json",
    ("gcp", "tpu"): "gcp/tpu.json",
    ("azure", "vm"): "azure/vm.json",
    ("azure", "vm-windows"): "azure/vm.json",
    ("llm", "tokens"): "llm/tokens.json",
}


# Here, not in ``catalog``: ``aicost --version`` lists the shipped tables' dates without
# importing the catalog (and the workload model it prices).
def user_pricing_dir() -> Path:
    """Where ``aicost pricing refresh`` writes and where user tables override shipped ones:
    ``$AICOST_PRICING_DIR``, else ``$XDG_DATA_HOME/aicost/pricing`` (``~/.local/share``)."""
    explicit = os.environ.get("AICOST_PRICING_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "aicost" / "pricing"


def default_directories() -> list[Path]:
    """The user price directory (when it exists), then the shipped tables."""
    user = user_pricing_dir()
    shipped = data_dir("pricing")
    return [user, shipped] if user.is_dir() and user.resolve() != shipped.resolve() else [shipped]
