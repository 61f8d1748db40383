"""Google Vertex AI custom training jobs (``CustomJob`` / ``CustomJobSpec``).

The config file of ``gcloud ai custom-jobs create --config`` (a ``CustomJobSpec``), a REST
``CustomJob`` (the spec under ``jobSpec``), or the snake_case shape of the Python SDK and
KFP (``worker_pool_specs``) are read alike. Each of ``workerPoolSpecs`` is a group of
``replicaCount`` machines (``machineSpec.machineType`` with ``acceleratorType`` ×
``acceleratorCount``); empty pools are skipped. ``scheduling.strategy: SPOT`` is spot and
``scheduling.timeout`` (Vertex's default is 7 days) is the run time. Prices are Vertex AI
training prices (service ``vertex``), which no shipped table covers yet: such jobs are
listed as unpriced with that reason.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from aicost.core.errors import InputError
from aicost.core.hardware import canonical, kind_of
from aicost.core.model import WorkloadClass
from aicost.sources import manifest as mf
from aicost.sources.base import Inventory
from aicost.sources.manifest import Group, Spec, get_ci, integer, items, mapping, text
from aicost.sources.podcheck import validate_counts
from aicost.sources.yamldocs import load_path, mappings

KIND = "vertex-ai"
_MARKERS = frozenset({"workerPoolSpecs", "worker_pool_specs", "jobSpec", "job_spec"})


def sniff(path: Path, head: bytes) -> bool:
    if mf.is_terraform_plan(head):
        return False
    keys = mf.top_keys(head)
    return "apiVersion" not in keys and bool(keys & _MARKERS)


#: Counts of machines (lower case, no ``_``), validated when read.
_COUNTS = frozenset({"replicacount"})


def read(path: Path) -> Inventory:
    _, documents = load_path(path)
    specs: list[Spec] = []
    for document, data in mappings(documents):
        validate_counts(str(path), document, data, _COUNTS)
        job = data
        if get_ci(data, "jobSpec") is not None:
            job = mapping(get_ci(data, "jobSpec"))
        pools = items(get_ci(job, "workerPoolSpecs"))
        if not pools:
            continue
        scheduling = mapping(get_ci(job, "scheduling"))
        strategy = (text(get_ci(scheduling, "strategy")) or "").upper()
        spot = strategy == "SPOT"
        groups: list[Group] = []
        for index, pool in enumerate(pools):
            pool = mapping(pool)
            machine = mapping(get_ci(pool, "machineSpec"))
            machine_type = text(get_ci(machine, "machineType"))
            if not machine_type:
                continue
            accelerator = text(get_ci(machine, "acceleratorType"))
            name = (
                canonical(accelerator.replace("NVIDIA_", "").replace("TESLA_", ""))
                if accelerator
                else None
            )
            count = mf.quantity(get_ci(machine, "acceleratorCount")) or (1 if accelerator else 0)
            groups.append(
                Group(
                    name="chief" if index == 0 else f"pool {index}",
                    units=integer(get_ci(pool, "replicaCount"), 1) or 0,
                    accel_count=float(count),
                    accel_name=name,
                    accel_reason="machineSpec.acceleratorType" if name else "",
                    accel_kind=kind_of(name),
                    count_reason="machineSpec.acceleratorCount" if count else "",
                    instance_types=(machine_type,),
                    cloud="gcp",
                    cloud_reason="Vertex AI",
                    spot=spot,
                    spot_reason=f"scheduling.strategy {strategy}"
                    if strategy
                    else "scheduling.strategy not set: standard (on-demand)",
                    whole_node=True,
                    line=document.line_of("workerPoolSpecs", index),
                )
            )
        timeout = mf.seconds(get_ci(scheduling, "timeout"))
        run_reason = "scheduling.timeout"
        if timeout is None:
            timeout, run_reason = Decimal(7 * 86400), "Vertex AI's default timeout (7 days)"
        tags = mf.labels(get_ci(data, "labels"))
        region = text(get_ci(data, "region")) or text(get_ci(data, "location"))
        specs.append(
            Spec(
                kind="CustomJob",
                name=text(get_ci(data, "displayName")) or path.stem,
                resource_type="vertex/CustomJob",
                groups=tuple(groups),
                line=document.line,
                cloud="gcp",
                region=region,
                # Compute Engine machine rates; the Vertex AI fee is not in any table.
                service="compute",
                labels=tags,
                kind_class=WorkloadClass.TRAINING,
                kind_reason="resource kind: a Vertex AI custom training job",
                run_hours=timeout / Decimal(3600),
                run_reason=run_reason,
                cluster=mf.cluster_label(tags),
                notes=(
                    "priced at the Compute Engine rate of its machines; the Vertex AI "
                    "management fee is not included",
                ),
            )
        )
    if not specs:
        raise InputError("not a Vertex AI custom job: no workerPoolSpecs", path=path)
    return mf.inventory(str(path), KIND, specs)
