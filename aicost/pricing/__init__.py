"""Price tables: dated, sourced, offline.

Each table is a JSON file under ``pricing/<cloud>/<service>.json`` (see
``pricing/README.md`` for the format and the sources). The registry below is the one
place a table is added.
"""

from __future__ import annotations

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
