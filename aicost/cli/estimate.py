"""``aicost estimate training``: what a training run will take and cost, before it runs.

FLOPs ≈ 6 × active parameters × tokens; time = FLOPs ÷ (accelerators × peak dense BF16 or
FP8 throughput × MFU, default 0.4); cost = time × nodes × hourly rate from the offline price
tables (see :mod:`aicost.cost.estimate`). Give the hardware as ``--instance-type`` and
``--nodes`` (priced), or as ``--accelerator`` and ``--accelerators`` (time only).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import TYPE_CHECKING

from aicost.core.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from aicost.cost.estimate import RunSpec

HELP = "estimate a training run's time and cost from model size, tokens and hardware"

_PURCHASES = ("on-demand", "spot", "reserved", "savings-plan", "committed", "capacity-block")


EXAMPLES = """examples:
  aicost estimate training --parameters 8B --tokens 1T --instance-type p5.48xlarge --nodes 4
  aicost estimate training --parameters 671B --active-parameters 37B --tokens 14.8T \\
      --instance-type p5.48xlarge --nodes 256 --precision fp8
  aicost estimate training --parameters 70B --tokens 2T --accelerator H100 \\
      --accelerators 1024 --mfu 0.35"""


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="what", metavar="WHAT")
    training = sub.add_parser(
        "training",
        help="a training run: 6 × active parameters × tokens FLOPs",
        description=HELP,
    )
    training.add_argument("--parameters", required=True, help="model parameters (8B, 70e9)")
    training.add_argument(
        "--active-parameters", help="parameters active per token, for mixture-of-experts models"
    )
    training.add_argument("--tokens", required=True, help="training tokens (15T, 2e12)")
    training.add_argument("--mfu", help="model FLOPs utilisation, 0-1 (default 0.4)")
    training.add_argument("--precision", choices=("bf16", "fp8"), default="bf16")
    hardware = training.add_argument_group("hardware")
    hardware.add_argument("--instance-type", help="machine type (p5.48xlarge, a3-highgpu-8g)")
    hardware.add_argument("--nodes", type=int, default=1, help="machines (default 1)")
    hardware.add_argument("--accelerator", help="accelerator (H100, TPU-v5p, Trainium2)")
    hardware.add_argument(
        "--accelerators", type=int, help="accelerators in total (with --accelerator)"
    )
    hardware.add_argument("--cloud", choices=("aws", "gcp", "azure"), default="aws")
    hardware.add_argument("--region", help="region (default: the cloud's default region)")
    hardware.add_argument("--purchase", choices=_PURCHASES, default="on-demand")
    training.add_argument("--format", choices=("text", "json"), default="text")


def _hardware(args: argparse.Namespace) -> tuple[str, Decimal, Decimal | None, str]:
    """(accelerator, how many, hourly rate per node or None, a note on the price)."""
    from aicost.core.hardware import DEFAULT_REGIONS, SERVICES
    from aicost.core.model import PurchaseOption
    from aicost.core.money import usd
    from aicost.pricing.catalog import PriceBook, Rate

    if args.instance_type:
        book = PriceBook()
        service = SERVICES[args.cloud]
        region = args.region or DEFAULT_REGIONS[args.cloud]
        described = book.describe(args.cloud, service, args.instance_type)
        if described is None or described.accelerator is None:
            raise UsageError(
                f"aicost estimate training: {args.instance_type!r} is not an accelerator "
                f"machine in the {args.cloud} price table"
            )
        accelerator = described.accelerator
        count = Decimal(str(accelerator.count)) * args.nodes
        rate = book.rate(
            args.cloud,
            service,
            region,
            args.instance_type,
            PurchaseOption(args.purchase),
            accelerator=accelerator,
        )
        if not isinstance(rate, Rate):
            return accelerator.name, count, None, f"unpriced: {rate.reason}"
        note = f"{args.purchase} {usd(rate.hourly)}/h per node in {region}"
        if rate.note:
            note += f" ({rate.note})"
        return accelerator.name, count, rate.hourly, note
    if args.accelerator and args.accelerators:
        note = "not priced (give --instance-type and --nodes to price the run)"
        return args.accelerator, Decimal(args.accelerators), None, note
    raise UsageError(
        "aicost estimate training: give --instance-type (and --nodes), or --accelerator "
        "and --accelerators"
    )


#: The node limit of plans and manifests; accelerators for as many 8-GPU nodes and more.
MAX_NODES = 1_000_000
MAX_ACCELERATORS = 10_000_000


def _run_spec(args: argparse.Namespace) -> RunSpec:
    """The training run from the arguments, which are checked here."""
    from aicost.cost.estimate import run_spec

    try:
        spec = run_spec(
            args.parameters,
            args.tokens,
            active_parameters=args.active_parameters,
            mfu=args.mfu,
            precision=args.precision,
        )
    except ValueError as exc:
        raise UsageError(f"aicost estimate training: {exc}") from exc
    if not 0 < args.nodes <= MAX_NODES:
        raise UsageError(
            f"aicost estimate training: --nodes must be a positive number up to {MAX_NODES:,}"
        )
    if args.accelerators is not None and not 0 < args.accelerators <= MAX_ACCELERATORS:
        raise UsageError(
            "aicost estimate training: --accelerators must be a positive number up to "
            f"{MAX_ACCELERATORS:,}"
        )
    return spec


def run(args: argparse.Namespace) -> int:
    if getattr(args, "what", None) != "training":
        raise UsageError("aicost estimate: say what to estimate: `aicost estimate training ...`")
    from aicost.core.money import usd
    from aicost.cost.estimate import estimate, peak_for

    spec = _run_spec(args)
    nodes = args.nodes
    name, count, hourly, price_note = _hardware(args)
    try:
        found = estimate(spec, [(name, count)])
    except ValueError as exc:
        raise UsageError(f"aicost estimate training: {exc}") from exc
    cost = hourly * nodes * found.hours if hourly is not None else None
    peak = peak_for(name)
    result = {
        "flops": f"{spec.flops:.4e}",
        "accelerator": found.hardware[0][0],
        "accelerators": int(count) if count == count.to_integral() else float(count),
        "peak_tflops": str(found.hardware[0][2]),
        "precision": found.hardware[0][3],
        "mfu": str(found.mfu),
        "mfu_default": spec.mfu is None,
        "hours": f"{found.hours:.2f}",
        "accelerator_hours": f"{found.accelerator_hours:.0f}",
        "nodes": nodes if args.instance_type else None,
        "hourly_rate": str(hourly) if hourly is not None else None,
        "cost": f"{cost:.2f}" if cost is not None else None,
        "price": price_note,
        "assumptions": f"estimated from {found.assumptions()}",
        "peak_source": {"title": peak.source, "url": peak.url} if peak else None,
    }
    if args.format == "json":
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    out = sys.stdout
    out.write(f"estimated from {found.assumptions()}\n")
    out.write(
        f"time: {found.hours:,.1f} h ({found.hours / 24:,.1f} days); "
        f"{found.accelerator_hours:,.0f} accelerator-hours\n"
    )
    if cost is not None:
        out.write(f"cost: {usd(cost)} ({nodes} × {args.instance_type}, {price_note})\n")
    else:
        out.write(f"cost: {price_note}\n")
    if peak is not None:
        out.write(f"peak throughput: {peak.source} <{peak.url}>\n")
    return ExitCode.OK
