"""Cluster profiles: which machines a Kubernetes (or Ray, or Azure ML) cluster runs.

A manifest names GPUs, not always machines. A cluster profile in the policy's ``settings``
says where the manifests run and which node type carries each accelerator, so that a pod's
GPUs can be priced as a share of a real machine:

.. code-block:: yaml

   settings:
     clusters:
       - name: eks-prod
         cloud: aws
         region: us-east-1
         default: true          # used by manifests that name no cluster
         purchase: on-demand    # how nodes are bought unless a manifest selects spot
         nodes:                 # accelerator -> node type ("*": GPUs of an unnamed type)
           A10G: g5.12xlarge
           H100: p5.48xlarge
           "*": g6.xlarge
         node_pools:            # node pool / Azure ML compute name -> node type
           gpu: g6e.2xlarge
         node_labels:           # your own node labels (key=value, or key) -> node type
           example.com/gpu-pool=h100: p5.48xlarge

A manifest picks a profile with the label ``aicost/cluster: NAME``; otherwise the profile
whose cloud matches the manifest's node labels, else the ``default`` one, else the only
one.
"""

from __future__ import annotations

from collections.abc import Sequence

from aicost.core.declared import ConfigDict, Field, Model, field_validator
from aicost.core.hardware import canonical
from aicost.core.model import PurchaseOption


class ClusterProfile(Model):
    """One cluster: cloud, region, node type per accelerator, and how nodes are bought."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field(min_length=1, max_length=200)
    cloud: str = Field(pattern=r"^(aws|gcp|azure)$")
    region: str = Field(min_length=1, max_length=64)
    default: bool = False
    purchase: PurchaseOption = PurchaseOption.ON_DEMAND
    nodes: dict[str, str] = Field(default_factory=dict)
    node_pools: dict[str, str] = Field(default_factory=dict)
    #: Node labels a pod selects (``key=value``, or ``key`` for any value) -> node type: for
    #: clusters that label nodes their own way (``example.com/gpu-pool=h100``).
    node_labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("nodes")
    @classmethod
    def _canonical_names(cls, value: dict[str, str]) -> dict[str, str]:
        return {("*" if k == "*" else canonical(k) or k): v for k, v in value.items()}

    def node_for(self, accelerator: str | None) -> str | None:
        if accelerator is not None:
            found = self.nodes.get(canonical(accelerator) or accelerator)
            if found:
                return found
        return self.nodes.get("*")


def choose(
    profiles: Sequence[ClusterProfile], named: str | None, cloud: str | None
) -> tuple[ClusterProfile | None, str]:
    """The profile for a manifest, and why it was chosen (or why none was)."""
    if not profiles:
        return None, ""
    if named:
        for profile in profiles:
            if profile.name == named:
                return profile, f"cluster profile {profile.name} (label aicost/cluster)"
        return None, f"cluster profile {named!r} named by the manifest is not in the policy"
    if cloud:
        same = [p for p in profiles if p.cloud == cloud]
        if same:
            chosen = next((p for p in same if p.default), same[0])
            return chosen, f"cluster profile {chosen.name} ({cloud})"
        return None, ""
    default = next((p for p in profiles if p.default), None)
    if default is not None:
        return default, f"default cluster profile {default.name}"
    if len(profiles) == 1:
        return profiles[0], f"cluster profile {profiles[0].name} (the only one)"
    return None, ""
