"""Steady inference runs on reserved or committed capacity.

An inference service that runs around the clock pays on-demand prices for capacity it
always uses; reserved instances, savings plans or committed use cut that by 30-60%.

A plan cannot show billing-level commitments, so aicost counts an inference workload
as reserved when it targets an EC2 capacity reservation
(``capacity_reservation_specification``) or carries a ``purchase-option`` tag with one of
``reserved``, ``reserved-3y``, ``savings-plan``, ``committed`` or ``capacity-reservation``.
``require: [reserved]`` is met by reserved instances, committed use and capacity
reservations; list ``savings-plan`` too to accept savings plans.

.. code-block:: yaml

   - id: reserved-inference
     type: inference-purchase
     severity: warning
     require: [reserved, savings-plan]
     match:
       tags:
         environment: [prod]
"""

from __future__ import annotations

from collections.abc import Iterator

from aicost.core.model import WorkloadClass
from aicost.policy.context import CheckContext
from aicost.policy.finding import Finding
from aicost.policy.rules._purchase import PurchaseConfig, check_purchase

TYPE = "inference-purchase"
TITLE = "Steady inference uses reserved or committed capacity"
REMEDIATION = (
    "Cover the instances with reserved instances or a savings plan and tag the resource "
    'purchase-option = "reserved" (or "savings-plan"), or target a capacity reservation.'
)


class Config(PurchaseConfig):
    pass


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    return check_purchase(rule, ctx, WorkloadClass.INFERENCE)
