"""Pre-run training estimates from model size, data size and hardware.

The standard dense-transformer approximation (Kaplan et al. 2020, "Scaling Laws for Neural
Language Models", section 2.1; used by the Chinchilla and Llama 3 reports):

* ``FLOPs ≈ 6 × active parameters × training tokens`` (forward and backward pass; for a
  mixture-of-experts model, the parameters active per token);
* ``time = FLOPs ÷ (accelerators × peak dense throughput × MFU)``, with the peak for BF16
  (or FP8 when the run declares it) from ``pricing/hardware/peak-throughput.json``, where
  every row cites the vendor's datasheet;
* ``cost = time × nodes × hourly rate`` from the price tables.

**MFU** (model FLOPs utilisation) defaults to **0.4**: large, well-tuned runs report 38-43%
(Llama 3 405B on H100, BF16) and 40-50% is the practical ceiling; small models and small
clusters often get less, so the estimate is a floor on time and cost, not a quote. Set
``aicost/mfu`` (or ``--mfu``) to what your own runs measure.

A manifest (or a Terraform resource's tags) declares a run with annotations:
``aicost/model-parameters`` (``8B``, ``70e9``), ``aicost/active-parameters`` (MoE),
``aicost/training-tokens`` (``15T``), and optionally ``aicost/mfu`` and
``aicost/precision`` (``bf16`` or ``fp8``). A job with such annotations and no deadline
gets its run length from the estimate (priced for one run a month unless the usage file or a
``runs-per-month`` tag says otherwise), and ``training-run-cost`` shows the assumptions.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from aicost.core.calendar import HOURS_PER_MONTH
from aicost.core.data import data_dir
from aicost.core.errors import InputError
from aicost.core.model import Deployment, Workload, WorkloadClass

#: The default model FLOPs utilisation (see the module docstring).
DEFAULT_MFU = Decimal("0.4")
PRECISIONS = ("bf16", "fp8")

#: Annotation/tag names (with ``aicost/``, ``aicost:`` or no prefix) -> field.
KEYS = {
    "model-parameters": "parameters",
    "active-parameters": "active_parameters",
    "training-tokens": "tokens",
    "mfu": "mfu",
    "precision": "precision",
}
_PREFIXES = ("aicost/", "aicost:", "aicost.", "")
#: Every annotation name, to tell in one set operation that a resource declares none.
_NAMES = frozenset(prefix + key for key in KEYS for prefix in _PREFIXES)

_SUFFIX = {"K": Decimal(10) ** 3, "M": Decimal(10) ** 6, "B": Decimal(10) ** 9}
_SUFFIX["T"] = Decimal(10) ** 12
_SUFFIX["G"] = _SUFFIX["B"]
#: Parameters or tokens beyond any real model or data set (1,000 T): refused, not computed.
MAX_QUANTITY = Decimal(10) ** 21
_NUMBER = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*([KMBGT]?)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Peak:
    """Peak dense throughput of one accelerator, in TFLOPS, and where it comes from."""

    accelerator: str
    bf16_tflops: Decimal
    fp8_tflops: Decimal | None
    source: str
    url: str
    note: str = ""

    def tflops(self, precision: str) -> tuple[Decimal, str]:
        """The peak for *precision*, and what was used (FP8 falls back to BF16 with a note)."""
        if precision == "fp8":
            if self.fp8_tflops is not None:
                return self.fp8_tflops, "FP8"
            return self.bf16_tflops, f"BF16 ({self.accelerator} has no FP8 peak)"
        return self.bf16_tflops, "BF16"


@cache
def peak_table() -> dict[str, Peak]:
    """Accelerator name (and aliases, lower case) -> peak row."""
    path = data_dir("pricing") / "hardware" / "peak-throughput.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, Peak] = {}
    for row in document["rows"]:
        fp8 = row.get("fp8_tflops")
        peak = Peak(
            accelerator=row["accelerator"],
            bf16_tflops=Decimal(str(row["bf16_tflops"])),
            fp8_tflops=Decimal(str(fp8)) if fp8 is not None else None,
            source=row["source"],
            url=row["url"],
            note=row.get("note", ""),
        )
        for name in (row["accelerator"], *row.get("aliases", ())):
            table[name.lower()] = peak
    return table


def peak_for(accelerator: str | None) -> Peak | None:
    """The peak row of an accelerator name (``H100``, ``A100-80GB``, ``TPU-v5p``, ``trn1``)."""
    if not accelerator:
        return None
    from aicost.core.hardware import canonical

    table = peak_table()
    for name in (accelerator, canonical(accelerator) or ""):
        lowered = name.lower()
        if lowered in table:
            return table[lowered]
        base = re.sub(r"-\d+gb$", "", lowered)
        if base in table:
            return table[base]
    return None


def quantity(raw: object, field: str) -> Decimal:
    """``8B`` -> 8e9, ``15T`` -> 1.5e13, ``70e9``, ``2,000,000``; positive and finite only."""
    text = str(raw).strip()
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(f"{field}: {text!r} is not a number (use e.g. 8B, 70e9, 15T)")
    try:
        value = Decimal(match.group(1).replace(",", "").replace("_", ""))
    except InvalidOperation as exc:
        raise ValueError(f"{field}: {text!r} is not a number") from exc
    value *= _SUFFIX.get(match.group(2).upper(), Decimal(1))
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{field}: {text!r} must be a positive number")
    if value > MAX_QUANTITY:
        raise ValueError(f"{field}: {text!r} is over {MAX_QUANTITY:.0e}, not a real run")
    return value


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What a training run declares: model size, data size, and optionally MFU and precision."""

    parameters: Decimal
    tokens: Decimal
    active_parameters: Decimal | None = None
    mfu: Decimal | None = None
    precision: str = "bf16"

    @property
    def active(self) -> Decimal:
        return self.active_parameters if self.active_parameters is not None else self.parameters

    @property
    def flops(self) -> Decimal:
        return 6 * self.active * self.tokens


def run_spec(
    parameters: object,
    tokens: object,
    *,
    active_parameters: object = None,
    mfu: object = None,
    precision: object = None,
) -> RunSpec:
    """A validated :class:`RunSpec` (raises ValueError naming the field)."""
    params = quantity(parameters, "model-parameters")
    active = (
        quantity(active_parameters, "active-parameters") if active_parameters is not None else None
    )
    if active is not None and active > params:
        raise ValueError(
            f"active-parameters ({_short(active)}) exceeds model-parameters ({_short(params)})"
        )
    utilisation = None
    if mfu is not None:
        try:
            utilisation = Decimal(str(mfu).strip().rstrip("%"))
        except InvalidOperation as exc:
            raise ValueError(f"mfu: {mfu!r} is not a number") from exc
        if str(mfu).strip().endswith("%"):
            utilisation /= 100
        if not utilisation.is_finite() or not 0 < utilisation <= 1:
            raise ValueError(f"mfu: {mfu!r} must be above 0 and at most 1 (0.4 = 40%)")
    form = str(precision or "bf16").strip().lower()
    if form not in PRECISIONS:
        raise ValueError(f"precision: {precision!r} is not one of {', '.join(PRECISIONS)}")
    return RunSpec(params, quantity(tokens, "training-tokens"), active, utilisation, form)


@dataclass(frozen=True, slots=True)
class Estimate:
    """How long a run takes on some hardware, and the assumptions that say so."""

    spec: RunSpec
    #: (accelerator name, count, peak TFLOPS used, precision label) per hardware group.
    hardware: tuple[tuple[str, Decimal, Decimal, str], ...]
    mfu: Decimal
    seconds: Decimal

    @property
    def hours(self) -> Decimal:
        return self.seconds / 3600

    @property
    def accelerators(self) -> Decimal:
        return sum((count for _, count, _, _ in self.hardware), Decimal(0))

    @property
    def accelerator_hours(self) -> Decimal:
        return self.hours * self.accelerators

    def assumptions(self) -> str:
        spec = self.spec
        params = _short(spec.parameters)
        if spec.active_parameters is not None:
            params = f"{_short(spec.active)} active of {params}"
        kit = " + ".join(
            f"{_n(count)} × {name} at {_n(tflops)} TFLOPS {label}"
            for name, count, tflops, label in self.hardware
        )
        mfu = f"MFU {_n(self.mfu)}" + ("" if spec.mfu is not None else " (default)")
        return (
            f"6 × {params} parameters × {_short(spec.tokens)} tokens = "
            f"{_sci(spec.flops)} FLOPs on {kit}, {mfu}: {_n(self.hours.quantize(Decimal('0.1')))} h"
        )


def estimate(
    spec: RunSpec, hardware: Sequence[tuple[str, Decimal]], *, mfu: Decimal | None = None
) -> Estimate:
    """Run time of *spec* on *hardware* (accelerator name, count); ValueError when unknown."""
    used = spec.mfu if spec.mfu is not None else (mfu if mfu is not None else DEFAULT_MFU)
    rows: list[tuple[str, Decimal, Decimal, str]] = []
    throughput = Decimal(0)
    for name, count in hardware:
        if count <= 0:
            continue
        peak = peak_for(name)
        if peak is None:
            known = sorted({p.accelerator for p in peak_table().values()})
            raise ValueError(
                f"no peak throughput for accelerator {name!r} (known: {', '.join(known)})"
            )
        tflops, label = peak.tflops(spec.precision)
        rows.append((peak.accelerator, count, tflops, label))
        throughput += count * tflops * Decimal(10) ** 12
    if throughput <= 0:
        raise ValueError("no accelerators to run on")
    seconds = spec.flops / (throughput * used)
    return Estimate(spec, tuple(rows), used, seconds)


# --------------------------------------------------------------------------- manifests


def declared(tags: Mapping[str, str]) -> dict[str, str]:
    """The estimate annotations among *tags* (field -> raw value)."""
    found: dict[str, str] = {}
    if _NAMES.isdisjoint(tags):  # most resources: no annotation at all
        return found
    for key, field_name in KEYS.items():
        for prefix in _PREFIXES:
            value = tags.get(prefix + key)
            if value is not None and value.strip():
                found[field_name] = value
                break
    return found


def spec_from_tags(tags: Mapping[str, str]) -> RunSpec | None:
    """The run a resource declares, None when it declares none; ValueError when malformed."""
    values = declared(tags)
    if "parameters" not in values and "tokens" not in values:
        return None
    if "parameters" not in values or "tokens" not in values:
        missing = "model-parameters" if "parameters" not in values else "training-tokens"
        raise ValueError(f"aicost/{missing} is needed with the other estimate annotations")
    return run_spec(
        values["parameters"],
        values["tokens"],
        active_parameters=values.get("active_parameters"),
        mfu=values.get("mfu"),
        precision=values.get("precision"),
    )


def apply(workloads: Sequence[Workload]) -> tuple[list[Workload], list[str]]:
    """Give jobs that declare a model and data size, and no run length, an estimated one.

    Every group of a job (master and workers) shares the job's accelerators, so the run
    time is computed once per job from all its accelerators. Malformed annotations are
    input errors (exit 2) naming the file and the annotation.
    """
    jobs: dict[tuple[str, str], list[int]] = {}
    for index, workload in enumerate(workloads):
        planned = workload.planned
        if planned is None or planned.run_hours is not None or planned.accelerator is None:
            continue
        if planned.workload_class not in (WorkloadClass.TRAINING, WorkloadClass.BATCH):
            continue
        if not declared(planned.tags):
            continue
        jobs.setdefault((workload.project, workload.address), []).append(index)
    out = list(workloads)
    warnings: list[str] = []
    for indexes in jobs.values():
        first = workloads[indexes[0]]
        assert first.planned is not None
        try:
            spec = spec_from_tags(first.planned.tags)
            if spec is None:
                continue
            hardware = _hardware(workloads[i].planned for i in indexes)
            found = estimate(spec, hardware)
        except ValueError as exc:
            raise InputError(
                f"{first.address}: {exc}", path=first.source.path, line=first.source.line
            ) from exc
        reason = f"the pre-run estimate ({found.assumptions()})"
        for i in indexes:
            planned = workloads[i].planned
            assert planned is not None
            notes = [f"run length from {reason}"]
            hours = planned.hours_per_month
            if hours is None and not workloads[i].source.kind.startswith("terraform"):
                # A job runs only while it runs (as with a deadline): one run a month
                # unless runs per month are known.
                runs = planned.runs_per_month or Decimal(1)
                hours = min(found.hours * runs, HOURS_PER_MONTH)
                notes.append(
                    f"priced for {runs.normalize():f} run(s) a month of the estimate"
                    + (" (at most the whole month)" if hours == HOURS_PER_MONTH else "")
                )
            changed = dataclasses.replace(
                planned,
                run_hours=found.hours,
                run_hours_reason=reason,
                hours_per_month=hours,
                notes=(*planned.notes, *notes),
            )
            out[i] = dataclasses.replace(workloads[i], planned=changed)
    return out, warnings


def _hardware(deployments: Iterable[Deployment | None]) -> list[tuple[str, Decimal]]:
    kit: dict[str, Decimal] = {}
    for deployment in deployments:
        if deployment is None or deployment.accelerator is None:
            continue
        count = Decimal(str(deployment.accelerator.count)) * deployment.node_count
        name = deployment.accelerator.name
        kit[name] = kit.get(name, Decimal(0)) + count
    return list(kit.items())


def _n(value: Decimal) -> str:
    if value == value.to_integral():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value.normalize():,f}"


def _short(value: Decimal) -> str:
    for suffix, scale in (("T", _SUFFIX["T"]), ("B", _SUFFIX["B"]), ("M", _SUFFIX["M"])):
        if value >= scale:
            return f"{(value / scale).normalize():f}{suffix}"
    return _n(value)


def _sci(value: Decimal) -> str:
    return f"{float(value):.3g}".replace("e+", "e")
