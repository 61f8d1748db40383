"""In-memory harnesses: test a mapper or a rule in a few lines, without a fixture plan.

* :func:`map_resources` -- resource dicts in (as a plan's ``after`` values), workloads out;
* :func:`findings` -- a policy snippet and workloads in, findings out (in the spirit of
  yamllint's ``RuleTestCase``).

.. code-block:: python

   workloads = map_resources({"aws_instance.train": {"instance_type": "p5.48xlarge"}})
   found = findings("rules: [{id: fam, type: gpu-family, deny: [p5]}]", workloads)
   assert [f.rule for f in found] == ["fam"]
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aicost import mappers
from aicost.core.model import Action, ResourceChange, SourceRef, Workload
from aicost.cost.projection import Pricer
from aicost.mappers.base import MapSettings
from aicost.policy.engine import EvalOptions, evaluate
from aicost.policy.finding import Finding
from aicost.policy.loader import Policy, load_policy
from aicost.pricing.catalog import PriceBook
from aicost.sources.base import Inventory

#: Resource type prefix -> the provider a plan names.
_PROVIDERS = {"aws": "aws", "google": "google", "azurerm": "azurerm"}


def change(
    address: str,
    values: Mapping[str, Any],
    *,
    provider: str | None = None,
    region: str | None = "us-east-1",
    action: Action = Action.CREATE,
    before: Mapping[str, Any] | None = None,
    resource_type: str | None = None,
) -> ResourceChange:
    """A resource change as a reader makes it: ``address`` is ``TYPE.NAME`` unless
    *resource_type* is given (manifest objects: ``path:Kind/name``)."""
    if resource_type is None:
        resource_type, _, name = address.rpartition(".")
        resource_type = resource_type or address
    else:
        name = address.rsplit("/", 1)[-1]
    if provider is None:
        provider = _PROVIDERS.get(resource_type.split("_", 1)[0], resource_type.split("_", 1)[0])
    return ResourceChange(
        address=address,
        type=resource_type,
        name=name,
        provider=provider,
        action=action,
        source=SourceRef(path="harness.tf", kind="harness"),
        before=before,
        after=None if action is Action.DELETE else values,
        region=region,
        project="harness",
    )


def map_changes(
    changes: Sequence[ResourceChange], settings: MapSettings | None = None
) -> mappers.Normalised:
    inventory = Inventory(path="harness", kind="harness", changes=list(changes))
    return mappers.normalise([inventory], PriceBook(), settings or MapSettings())


def map_resources(
    resources: Mapping[str, Mapping[str, Any]],
    *,
    region: str | None = "us-east-1",
    settings: MapSettings | None = None,
) -> list[Workload]:
    """Workloads of the resources ``{address: after values}`` (all created)."""
    changes = [change(address, values, region=region) for address, values in resources.items()]
    return map_changes(changes, settings).workloads


def policy(snippet: str) -> Policy:
    """A policy from a YAML snippet (``version: 1`` and a name are added when missing)."""
    head = snippet.split("rules:", 1)[0]
    text = snippet if "name:" in head else f"name: harness\n{snippet}"
    text = text if "version:" in head else f"version: 1\n{text}"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "policy.yaml"
        path.write_text(text, encoding="utf-8")
        return load_policy(path)


def findings(
    snippet: str | Policy,
    workloads: Sequence[Workload],
    *,
    today: dt.date = dt.date(2026, 1, 1),
) -> list[Finding]:
    """The findings of the policy *snippet* on *workloads*, priced with the shipped tables."""
    loaded = policy(snippet) if isinstance(snippet, str) else snippet
    pricer = Pricer(PriceBook(), loaded.settings.hours_per_month)
    return evaluate(loaded, pricer.price(workloads), pricer, EvalOptions(today=today))
