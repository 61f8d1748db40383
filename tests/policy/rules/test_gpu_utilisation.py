"""gpu-utilisation: hardware oversized for the workload class, with the cheaper type's saving."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import HOURS, price
from tests.policy.helpers import of, policy_text, run

POLICY = """\
version: 1
name: hints
unpriced: ignore
rules:
  - id: right-size
    type: gpu-utilisation
"""

SMALL_SERVICES = """\
  - id: small-services
    type: gpu-utilisation
    severity: warning
    limits:
      inference:
        max_gpus: 1
        deny_accelerators: [A100*, H100*]
        suggest: [g6e.xlarge]
    match:
      tags:
        service-size: [small]
"""


def test_pass_right_sized_notebooks(tmp_path: Path) -> None:
    # aws_mixed's notebook is one A10G
    assert of(run("aws_mixed", policy_text(tmp_path, POLICY)), "right-size") == {}


def test_fail_an_h100_notebook_with_the_saving_of_a_single_l4(tmp_path: Path) -> None:
    found = of(run("aws_platform", policy_text(tmp_path, POLICY)), "right-size")
    notebook = found["aws_instance.notebook_h100"]
    saving = (price("p5.48xlarge") - price("g6.xlarge")) * HOURS
    assert notebook.monthly_saving == saving
    assert notebook.message == (
        "p5.48xlarge (8× H100) is oversized for a notebook workload (8 accelerators per node, "
        "at most 1; H100 is more accelerator than it needs): g6.xlarge (1× L4) would cost "
        f"${price('g6.xlarge') * HOURS:,.2f}/month, saving ${saving:,.2f}/month"
    )
    # a hint: info, advisory
    assert notebook.severity.value == "info" and notebook.enforcement == "advisory"
    assert not notebook.fails
    sagemaker = found["aws_sagemaker_notebook_instance.big"]
    assert "ml.g6.xlarge (1× L4)" in sagemaker.message  # SageMaker types keep their prefix
    assert sagemaker.monthly_saving == (price("ml.p4d.24xlarge") - price("ml.g6.xlarge")) * HOURS


def test_fail_small_inference_services_scoped_by_tag(tmp_path: Path) -> None:
    found = of(
        run("aws_platform", policy_text(tmp_path, POLICY + SMALL_SERVICES)), "small-services"
    )
    assert set(found) == {"aws_instance.small_infer"}  # frankfurt_infer has no such tag
    small = found["aws_instance.small_infer"]
    assert small.monthly_saving == (price("p4d.24xlarge") - price("g6e.xlarge")) * HOURS
    assert small.severity.value == "warning"


def test_waived(tmp_path: Path) -> None:
    text = POLICY + (
        "waivers:\n  - {rule: gpu-utilisation, addresses: [aws_instance.notebook_h100],"
        " reason: kernel profiling on H100, owner: perf-team, expires: 2026-12-31}\n"
    )
    found = of(run("aws_platform", policy_text(tmp_path, text)), "right-size")
    assert found["aws_instance.notebook_h100"].waived
    assert not found["aws_sagemaker_notebook_instance.big"].waived
