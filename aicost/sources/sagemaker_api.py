"""Amazon SageMaker jobs and endpoint configurations, as API JSON or as ACK resources.

Both shapes carry the same fields: the API's PascalCase (``CreateTrainingJob`` /
``DescribeTrainingJob`` JSON, ``Create``/``DescribeEndpointConfig``,
``CreateHyperParameterTuningJob``) and the camelCase of the AWS Controllers for Kubernetes
resources (``sagemaker.services.k8s.aws/v1alpha1`` TrainingJob, EndpointConfig,
HyperParameterTuningJob); keys are matched case-insensitively.

* Training: ``ResourceConfig.InstanceType`` × ``InstanceCount``, or one group per
  ``ResourceConfig.InstanceGroups``; ``EnableManagedSpotTraining`` is spot (otherwise
  SageMaker trains on-demand); a run takes at most ``StoppingCondition.MaxRuntimeInSeconds``
  (SageMaker's default is one day).
* Tuning: the training job definition × ``MaxParallelTrainingJobs`` at a time; a run is
  ``MaxNumberOfTrainingJobs / MaxParallelTrainingJobs`` rounds of the max runtime.
* Endpoint configurations: one group per production variant (``InstanceType`` ×
  ``InitialInstanceCount``); serverless variants have no instances (and no GPUs).

Tags are ``[{Key, Value}]``; the region comes from the resource ARN when there is one.
Prices are SageMaker's (table ``aws-sagemaker``), not EC2's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicost.core.errors import InputError
from aicost.core.model import WorkloadClass
from aicost.sources import manifest as mf
from aicost.sources.base import Inventory
from aicost.sources.manifest import Group, Spec, get_ci, integer, items, mapping, text
from aicost.sources.podcheck import validate_counts
from aicost.sources.yamldocs import Document, load_path, mappings

KIND = "sagemaker"

_MARKERS = frozenset(
    {
        "AlgorithmSpecification",
        "ResourceConfig",
        "ProductionVariants",
        "TrainingJobName",
        "EndpointConfigName",
        "HyperParameterTuningJobConfig",
        "TrainingJobDefinition",
        "StoppingCondition",
        "EnableManagedSpotTraining",
    }
)


def sniff(path: Path, head: bytes) -> bool:
    if mf.is_terraform_plan(head):
        return False
    keys = mf.top_keys(head)
    return "apiVersion" not in keys and bool(keys & _MARKERS)


#: Counts of machines (lower case, no ``_``), validated when read.
_COUNTS = frozenset({"instancecount", "initialinstancecount", "maxparalleltrainingjobs"})


def read(path: Path) -> Inventory:
    _, documents = load_path(path)
    specs: list[Spec] = []
    for document, data in mappings(documents):
        validate_counts(str(path), document, data, _COUNTS)
        specs.extend(_api_object(data, document, str(path)))
    if not specs:
        raise InputError(
            "not a SageMaker training job, tuning job or endpoint configuration "
            "(no ResourceConfig, TrainingJobDefinition or ProductionVariants)",
            path=path,
        )
    return mf.inventory(str(path), KIND, specs)


def _api_object(data: Mapping[str, Any], document: Document, path: str) -> Iterator[Spec]:
    if get_ci(data, "HyperParameterTuningJobConfig") is not None:
        yield _tuning(data, data, document, (), "HyperParameterTuningJob", path)
    elif get_ci(data, "ProductionVariants") is not None:
        yield _endpoint(data, data, document, (), path)
    elif get_ci(data, "ResourceConfig") is not None or get_ci(data, "AlgorithmSpecification"):
        yield _training(data, data, document, (), path)


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    """ACK resources (``sagemaker.services.k8s.aws``): the same fields under ``spec``."""
    spec = mapping(obj.get("spec"))
    base = (*at, "spec")
    from aicost.sources.k8s import object_labels

    if kind == "TrainingJob":
        yield _training(spec, obj, document, base, "", labels=object_labels(obj))
    elif kind == "HyperParameterTuningJob":
        yield _tuning(spec, obj, document, base, kind, "", labels=object_labels(obj))
    elif kind == "EndpointConfig":
        yield _endpoint(spec, obj, document, base, "", labels=object_labels(obj))


def _name(data: Mapping[str, Any], obj: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        found = text(get_ci(data, key))
        if found:
            return found
    from aicost.sources.k8s import object_name

    return object_name(obj)


def _region(data: Mapping[str, Any]) -> str | None:
    for key, value in data.items():
        if str(key).lower().endswith("arn") and isinstance(value, str):
            parts = value.split(":")
            if len(parts) > 4 and parts[2] == "sagemaker" and parts[3]:
                return parts[3]
    return None


def _groups(
    resource: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    spot: bool,
    spot_reason: str,
    multiplier: int = 1,
) -> list[Group]:
    groups: list[Group] = []
    instance_groups = items(get_ci(resource, "InstanceGroups"))
    if instance_groups:
        for index, entry in enumerate(instance_groups):
            entry = mapping(entry)
            itype = text(get_ci(entry, "InstanceType"))
            groups.append(
                _group(
                    text(get_ci(entry, "InstanceGroupName")) or f"group {index}",
                    itype,
                    (integer(get_ci(entry, "InstanceCount"), 1) or 0) * multiplier,
                    spot,
                    spot_reason,
                    document.line_of(*at, "InstanceGroups", index),
                )
            )
        return groups
    itype = text(get_ci(resource, "InstanceType"))
    count = (integer(get_ci(resource, "InstanceCount"), 1) or 0) * multiplier
    groups.append(_group(None, itype, count, spot, spot_reason, document.line_of(*at)))
    return groups


def _group(
    name: str | None, itype: str | None, count: int, spot: bool, reason: str, line: int
) -> Group:
    return Group(
        name=name,
        units=count,
        instance_types=(itype,) if itype else (),
        cloud="aws",
        cloud_reason="SageMaker",
        spot=spot,
        spot_reason=reason,
        whole_node=True,
        line=line,
        accel_unknown=itype is None,
    )


def _spot(data: Mapping[str, Any]) -> tuple[bool, str]:
    value = get_ci(data, "EnableManagedSpotTraining")
    if value is True or str(value).lower() == "true":
        return True, "EnableManagedSpotTraining: true"
    if value is None:
        return False, "EnableManagedSpotTraining not set: SageMaker trains on-demand"
    return False, "EnableManagedSpotTraining: false"


def _runtime(data: Mapping[str, Any]) -> tuple[Decimal, str]:
    seconds = mf.seconds(get_ci(data, "StoppingCondition", "MaxRuntimeInSeconds"))
    if seconds is None:
        return Decimal(86400) / 3600, "SageMaker's default MaxRuntimeInSeconds (1 day)"
    return seconds / Decimal(3600), "StoppingCondition.MaxRuntimeInSeconds"


def _training(
    data: Mapping[str, Any],
    obj: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    path: str,
    labels: Mapping[str, str] | None = None,
) -> Spec:
    spot, reason = _spot(data)
    run_hours, run_reason = _runtime(data)
    tags = {**(labels or {}), **mf.labels(get_ci(data, "Tags"))}
    return Spec(
        kind="TrainingJob",
        name=_name(data, obj, "TrainingJobName"),
        resource_type="sagemaker/TrainingJob"
        if not at
        else "sagemaker.services.k8s.aws/TrainingJob",
        groups=tuple(
            _groups(
                mapping(get_ci(data, "ResourceConfig")),
                document,
                (*at, "ResourceConfig"),
                spot,
                reason,
            )
        ),
        line=document.line_of(*at) if at else document.line,
        cloud="aws",
        cloud_reason="SageMaker",
        region=_region(data),
        service="sagemaker",
        labels=tags,
        kind_class=WorkloadClass.TRAINING,
        kind_reason="resource kind: a SageMaker training job",
        run_hours=run_hours,
        run_reason=run_reason,
        cluster=mf.cluster_label(tags),
    )


def _tuning(
    data: Mapping[str, Any],
    obj: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    kind: str,
    path: str,
    labels: Mapping[str, str] | None = None,
) -> Spec:
    definition = mapping(get_ci(data, "TrainingJobDefinition"))
    limits = mapping(get_ci(data, "HyperParameterTuningJobConfig", "ResourceLimits"))
    total = integer(get_ci(limits, "MaxNumberOfTrainingJobs"), 1) or 1
    parallel = integer(get_ci(limits, "MaxParallelTrainingJobs"), 1) or 1
    spot, reason = _spot(definition)
    one_run, run_reason = _runtime(definition)
    rounds = math.ceil(total / parallel)
    tags = {**(labels or {}), **mf.labels(get_ci(data, "Tags"))}
    return Spec(
        kind="HyperParameterTuningJob",
        name=_name(data, obj, "HyperParameterTuningJobName"),
        resource_type="sagemaker/HyperParameterTuningJob"
        if not at
        else "sagemaker.services.k8s.aws/HyperParameterTuningJob",
        groups=tuple(
            _groups(
                mapping(get_ci(definition, "ResourceConfig")),
                document,
                (*at, "trainingJobDefinition", "resourceConfig"),
                spot,
                reason,
                multiplier=parallel,
            )
        ),
        line=document.line_of(*at) if at else document.line,
        cloud="aws",
        region=_region(data),
        service="sagemaker",
        labels=tags,
        kind_class=WorkloadClass.TRAINING,
        kind_reason="resource kind: a SageMaker hyperparameter tuning job",
        run_hours=one_run * rounds,
        run_reason=f"{total} training jobs, {parallel} at a time: {rounds} rounds of "
        f"the max runtime ({run_reason})",
        notes=(f"{parallel} training jobs run in parallel",),
        cluster=mf.cluster_label(tags),
    )


def _endpoint(
    data: Mapping[str, Any],
    obj: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    path: str,
    labels: Mapping[str, str] | None = None,
) -> Spec:
    groups: list[Group] = []
    variants = items(get_ci(data, "ProductionVariants"))
    for index, variant in enumerate(variants):
        variant = mapping(variant)
        name = text(get_ci(variant, "VariantName")) or f"variant {index}"
        itype = text(get_ci(variant, "InstanceType"))
        count = integer(get_ci(variant, "InitialInstanceCount"), 1) or 0
        scaling = mapping(get_ci(variant, "ManagedInstanceScaling"))
        line = document.line_of(*at, "productionVariants", index)
        if itype is None:
            serverless = get_ci(variant, "ServerlessConfig") is not None
            groups.append(
                Group(
                    name=name if len(variants) > 1 else None,
                    units=0,
                    cloud="aws",
                    whole_node=True,
                    line=line,
                    notes=("serverless inference: billed per request, no instances or GPUs",)
                    if serverless
                    else (),
                )
            )
            continue
        groups.append(
            Group(
                name=name if len(variants) > 1 else None,
                units=count,
                min_units=integer(get_ci(scaling, "MinInstanceCount")),
                max_units=integer(get_ci(scaling, "MaxInstanceCount")),
                instance_types=(itype,),
                cloud="aws",
                cloud_reason="SageMaker",
                spot=False,
                spot_reason="SageMaker hosting is billed on-demand (or by a savings plan tag)",
                whole_node=True,
                line=line,
            )
        )
    tags = {**(labels or {}), **mf.labels(get_ci(data, "Tags"))}
    return Spec(
        kind="EndpointConfig",
        name=_name(data, obj, "EndpointConfigName"),
        resource_type="sagemaker/EndpointConfig"
        if not at
        else "sagemaker.services.k8s.aws/EndpointConfig",
        groups=tuple(groups),
        line=document.line_of(*at) if at else document.line,
        cloud="aws",
        region=_region(data),
        service="sagemaker",
        labels=tags,
        kind_class=WorkloadClass.INFERENCE,
        kind_reason="resource kind: a SageMaker endpoint configuration serves inference",
        cluster=mf.cluster_label(tags),
    )
