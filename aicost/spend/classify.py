"""Which billing lines are AI spend: the rule, as plain SQL over FOCUS columns.

A line is AI spend, of the first kind that applies:

1. ``tokens``: its consumed or pricing unit counts tokens (``Tokens``, ``1K Tokens``,
   ``1M Tokens``), or its description or meter says tokens (LLM APIs: Bedrock, Azure
   OpenAI / AI Foundry, Vertex AI Gemini).
2. ``accelerator``: a compute line (ServiceCategory ``Compute`` or ``AI and Machine
   Learning``, or none) whose SKU meter, description, resource type or provider columns name
   an accelerated instance type (``p5.48xlarge``, ``ml.g5.2xlarge``, ``trn1.32xlarge``,
   ``inf2.xlarge``, ``a3-highgpu-8g``, ``ct5lp-hightpu-4t``, Azure ``NC``/``ND``/``NV``
   sizes) or an accelerator itself (Google's per-GPU and TPU SKUs: ``Nvidia L4 GPU``,
   ``TPU v5e``). The instance type is looked up in aicost's hardware catalogue for the
   accelerator and its count per machine (an unlisted size of a listed family takes the
   family's accelerator and the count of the largest listed size not above it).
3. ``ai-service``: ServiceCategory ``AI and Machine Learning``, or a service named SageMaker,
   Bedrock, Vertex AI, Azure OpenAI, AI Foundry, Azure Machine Learning, Azure AI / Cognitive
   Services, Cloud TPU or Gemini.

Everything else is not AI spend and is left out of every total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aicost.spend.ground import (
    NODES,
    accelerated_shape,
    canonical,
    cloud_of_instance,
    find_node,
    tpu_generation,
)

#: Instance types of accelerated families, on the lower-cased text of a line.
INSTANCE_PATTERN = (
    r"(?:ml\.)?(?:p[0-9][a-z0-9]*|g[0-9][a-z0-9]*|gr[0-9][a-z0-9]*|inf[0-9][a-z0-9]*"
    r"|trn[0-9][a-z0-9]*|dl[0-9][a-z0-9]*)(?:-[a-z0-9]+)?\.(?:[0-9]*x?large|metal[a-z0-9-]*)"
    r"|(?:a2|a3|a4|g2|g4)-(?:highgpu|megagpu|ultragpu|edgegpu|standard)-[0-9]+g?"
    r"|ct[0-9][a-z]*-[a-z]+-[0-9]+t"
    r"|standard_n[cdv][0-9]+[a-z_0-9]*"
    r"|\bn[cdv][0-9]+[a-z]*(?: (?:a100|h100|h200|t4|a10|mi300x|v100))?(?: v[0-9])?\b"
)

#: Accelerators named on their own (per-GPU and TPU SKUs).
ACCELERATOR_PATTERN = (
    r"nvidia (?:tesla )?(?:a100 80gb|a100|h100 80gb mega|h100 mega|h100|h200|b200|l40s|l4"
    r"|a10g|t4|v100|p100|p4|k80)|tpu[ -]?v[0-9]+[a-z]*(?: ?lite)?"
)

AI_SERVICE_PATTERN = (
    r"sagemaker|bedrock|vertex ai|openai|ai foundry|machine learning|cognitive services"
    r"|azure ai|cloud tpu|gemini|generative language"
)

TOKEN_PATTERN = r"token"


#: FOCUS columns whose text may name an instance type or accelerator.
TEXT_COLUMNS: tuple[str, ...] = ("SkuMeter", "ChargeDescription", "ResourceType")

#: Provider columns read as well when present (the reader gives absent ones as null).
HINT_COLUMNS: tuple[str, ...] = (
    "x_InstanceType",
    "x_UsageType",
    "x_SkuMeterName",
    "x_SkuDescription",
    "x_SkuDetails",
)


def _haystack(columns: tuple[str, ...]) -> str:
    # ``||`` of coalesced columns rather than concat_ws: every target dialect has it
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"lower({joined})"


def _token_multiplier(unit: str) -> str:
    return (
        f"CASE WHEN regexp_matches(lower({unit}), '1m|million|1,000,000|1000000') THEN 1000000"
        f" WHEN regexp_matches(lower({unit}), '1k|thousand|1,000|1000') THEN 1000"
        f" ELSE 1 END"
    )


def lines_sql(source: str = "focus", hints: bool = True) -> str:
    """The AI lines of *source*, with the rule's kind and the text it matched.

    With *hints*, provider ``x_`` columns are searched too (the reader's view has them all,
    null where a file lacks them); without, only FOCUS columns (for ``--emit-sql``).
    """
    hay = _haystack(TEXT_COLUMNS + HINT_COLUMNS if hints else TEXT_COLUMNS)
    unit = "lower(coalesce(ConsumedUnit, PricingUnit, ''))"
    is_tokens = (
        f"({unit} LIKE '%{TOKEN_PATTERN}%' OR lower(coalesce(PricingUnit, '')) LIKE '%token%'"
        f" OR lower(coalesce(SkuMeter, '') || ' ' || coalesce(ChargeDescription, ''))"
        f" LIKE '%token%')"
    )
    instance = f"regexp_extract({hay}, '{INSTANCE_PATTERN}', 0)"
    device = f"regexp_extract({hay}, '{ACCELERATOR_PATTERN}', 0)"
    compute = (
        "(ServiceCategory IS NULL OR ServiceCategory IN ('Compute', 'AI and Machine Learning'))"
    )
    service = (
        "(ServiceCategory = 'AI and Machine Learning' OR "
        f"regexp_matches(lower(coalesce(ServiceName, '')), '{AI_SERVICE_PATTERN}'))"
    )
    if_token_units = "lower(coalesce(ConsumedUnit, '')) LIKE '%token%'"
    tokens = (
        f"CASE WHEN {if_token_units} THEN ConsumedQuantity * {_token_multiplier('ConsumedUnit')}"
        f" WHEN lower(coalesce(PricingUnit, '')) LIKE '%token%'"
        f" THEN PricingQuantity * {_token_multiplier('PricingUnit')} ELSE NULL END"
    )
    return f"""
SELECT
  c.*,
  CASE WHEN is_tokens THEN 'tokens'
       WHEN is_compute AND hw_key <> '' THEN 'accelerator'
       ELSE 'ai-service' END AS AiKind
FROM (
  SELECT
    CAST(ChargePeriodStart AS DATE) AS ChargeDay,
    ChargePeriodStart, ChargePeriodEnd, BilledCost, EffectiveCost, ListCost,
    BillingCurrency, ProviderName, ServiceName, ServiceCategory, ChargeCategory,
    ChargeDescription, ResourceId, PricingCategory,
    CommitmentDiscountId, ConsumedQuantity, ConsumedUnit, RegionId, SubAccountName, Tags,
    {is_tokens} AS is_tokens,
    {compute} AS is_compute,
    {service} AS is_service,
    coalesce(nullif({instance}, ''), nullif({device}, ''), '') AS hw_key,
    {tokens} AS Tokens
  FROM {source}
) AS c
WHERE is_tokens OR (is_compute AND hw_key <> '') OR is_service
""".strip()


@dataclass(frozen=True, slots=True)
class Hardware:
    key: str
    instance_type: str | None
    family: str | None
    accelerator: str | None
    per_unit: float | None  # accelerators per machine-hour (1 for a per-device SKU)


_SIZE = re.compile(r"^(\d*)x?large$")


def _size(name: str) -> float | None:
    suffix = name.rsplit(".", 1)[-1]
    if suffix.startswith("metal"):
        return 1e9
    match = _SIZE.match(suffix)
    if not match:
        return None
    if suffix == "large":
        return 0.5
    return float(match.group(1) or 1)


def family_of(instance_type: str) -> str:
    name = instance_type.lower()
    cloud = cloud_of_instance(instance_type)
    if cloud == "aws" or "." in name:
        return name.rsplit(".", 1)[0]
    if name.startswith("ct"):
        return name.rsplit("-", 1)[0]
    if name.startswith(("a2-", "a3-", "a4-", "g2-", "g4-")):
        return name.rsplit("-", 1)[0]
    azure = re.match(r"^(?:standard_)?(n[cdv])\d+([a-z]*)(.*)$", name.replace(" ", "_"))
    if azure:
        return f"{azure.group(1)}{azure.group(2)}{azure.group(3)}".upper()
    return name


def _azure_name(key: str) -> str:
    name = key.strip().replace(" ", "_")
    if not name.lower().startswith("standard_"):
        name = "Standard_" + name
    return name


def resolve(key: str) -> Hardware:
    """The catalogue's accelerator for an instance type or accelerator text found in a line."""
    text = key.strip().lower()
    if text.startswith(("nvidia", "tpu")):
        name = tpu_generation(text.replace(" ", "-")) if text.startswith("tpu") else None
        if name is None:
            name = canonical(text.replace(" 80gb", "-80gb").replace("tesla ", ""))
        return Hardware(key, None, None, name, 1.0)
    candidates: list[tuple[str, str]] = []
    base = text.removeprefix("ml.")
    candidates.append(("aws", base))
    candidates.append(("gcp", base))
    candidates.append(("azure", _azure_name(text)))
    for cloud, name in candidates:
        found = find_node(cloud, name)
        if found is not None:
            accelerator, node = found
            return Hardware(key, node.instance_type, family_of(name), accelerator, node.count)
    family = family_of(base)
    guess = _family_guess(base, family)
    if guess is not None:
        return Hardware(key, base, family, guess[0], guess[1])
    cloud = cloud_of_instance(base) or "azure"
    accelerated = accelerated_shape(cloud, base) or accelerated_shape("azure", _azure_name(text))
    return Hardware(key, base, family if accelerated else None, None, None)


def _family_guess(name: str, family: str) -> tuple[str, float | None] | None:
    """Accelerator and count of an unlisted size of a catalogue family."""
    if name.startswith(("a2-", "a3-", "a4-", "g2-", "g4-", "ct")):
        count = re.search(r"-(\d+)[gt]$", name)
        for accelerator, nodes in NODES["gcp"].items():
            if any(family_of(node.instance_type) == family for node in nodes):
                return accelerator, float(count.group(1)) if count else None
        return None
    size = _size(name)
    listed = [
        (accelerator, node, _size(node.instance_type) or 0.0)
        for accelerator, nodes in NODES["aws"].items()
        for node in nodes
        if family_of(node.instance_type) == family
    ]
    if listed:
        if size is None:
            return listed[0][0], None
        below = [entry for entry in listed if entry[2] <= size]
        if below:
            accelerator, node, _ = max(below, key=lambda entry: entry[2])
            return accelerator, node.count
        # smaller than every listed size: scale the smallest one's count down, at least one
        accelerator, node, node_size = min(listed, key=lambda entry: entry[2])
        return accelerator, max(1.0, float(round(node.count * size / node_size)))
    for accelerator, nodes in NODES["azure"].items():
        for node in nodes:
            if family_of(node.instance_type) == family.upper():
                return accelerator, None
    return None


def catalogue() -> list[Hardware]:
    """Every instance type the catalogue lists (the ``hw`` table for ``--emit-sql``)."""
    rows: list[Hardware] = []
    for cloud, accelerators in NODES.items():
        for accelerator, nodes in accelerators.items():
            for node in nodes:
                key = node.instance_type.lower()
                if cloud == "azure":
                    key = key.replace(" ", "_")
                rows.append(
                    Hardware(key, node.instance_type, family_of(key), accelerator, node.count)
                )
    return rows
