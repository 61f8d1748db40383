"""Everything ``aicost.spend`` takes from the rest of aicost, in one place.

``spend`` sits on the ground floor only: errors, money and the hardware catalogue. When a
module moves (the restructure puts the catalogue in ``aicost.core.hardware``), this is the
one file to re-point.
"""

from __future__ import annotations

from aicost.core.errors import AicostError, ExitCode, InputError, UsageError
from aicost.core.hardware import (
    NODES,
    Node,
    accelerated_shape,
    canonical,
    cloud_of_instance,
    find_node,
    kind_of,
    tpu_generation,
)
from aicost.core.money import cents, decimal_string, usd
from aicost.core.yamlsafe import load_file as load_yaml

__all__ = [
    "NODES",
    "AicostError",
    "ExitCode",
    "InputError",
    "Node",
    "UsageError",
    "accelerated_shape",
    "canonical",
    "cents",
    "cloud_of_instance",
    "decimal_string",
    "find_node",
    "kind_of",
    "load_yaml",
    "tpu_generation",
    "usd",
]
