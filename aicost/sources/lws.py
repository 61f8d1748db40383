"""LeaderWorkerSet (``leaderworkerset.x-k8s.io/v1``): multi-node serving groups.

``spec.replicas`` groups, each of ``spec.leaderWorkerTemplate.size`` pods: one leader from
``leaderTemplate`` (or ``workerTemplate`` when there is none) and ``size - 1`` workers from
``workerTemplate``. A LeaderWorkerSet serves (class inference) unless a label says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aicost.core.model import WorkloadClass
from aicost.sources.k8s import api_group, build
from aicost.sources.manifest import Spec, integer, mapping, text
from aicost.sources.podspec import group, read_pod
from aicost.sources.yamldocs import Document


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    spec = mapping(obj.get("spec"))
    template = mapping(spec.get("leaderWorkerTemplate"))
    replicas = integer(spec.get("replicas"), 1) or 0
    size = integer(template.get("size"), 1) or 1
    worker = read_pod(template.get("workerTemplate"))
    leader = read_pod(template.get("leaderTemplate")) if template.get("leaderTemplate") else worker
    base = (*at, "spec", "leaderWorkerTemplate")
    groups = [
        group(
            "leader",
            leader,
            replicas,
            line=document.line_of(*base, "leaderTemplate"),
            notes=[f"{replicas} group(s) of {size} pods"],
        )
    ]
    if size > 1:
        groups.append(
            group(
                "workers",
                worker,
                replicas * (size - 1),
                line=document.line_of(*base, "workerTemplate"),
            )
        )
    yield build(
        kind,
        obj,
        document,
        at,
        groups,
        [leader, worker],
        resource_type=f"{api_group(text(obj.get('apiVersion')) or '')}/{kind}",
        default_class=WorkloadClass.INFERENCE,
        kind_reason="resource kind: a LeaderWorkerSet runs long-lived multi-node replicas",
    )
