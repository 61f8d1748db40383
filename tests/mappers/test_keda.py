"""KEDA ScaledObjects with cron triggers, from the KEDA documentation's own examples.

tests/fixtures/keda holds the two ScaledObjects of keda-docs' cron scaler page verbatim
(source and licence in its README). They scale ``my-deployment``, which the docs do not
show; each test puts a GPU Deployment of that name in the same file.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from aicost.core.model import PricedWorkload
from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES
from tests.helpers import DEFAULT_POLICY, price

KEDA = FIXTURES / "keda"
ADDRESS = "Deployment/my-deployment"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-deployment
  labels:
    workload: inference
spec:
  replicas: 2
  selector:
    matchLabels: {app: llm}
  template:
    metadata:
      labels: {app: llm}
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: g5.xlarge
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.6.3
          resources:
            limits:
              nvidia.com/gpu: 1
---
"""
RESERVE = """\
version: 1
name: reserve
unpriced: ignore
rules:
  - id: reserved-inference
    type: inference-purchase
    severity: warning
    require: [reserved]
"""


def _workload(tmp_path: Path, scaled_object: str, policy: Path = DEFAULT_POLICY) -> PricedWorkload:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(DEPLOYMENT + scaled_object, encoding="utf-8")
    result = run_check([manifest], load_policy(policy))
    (found,) = [w for w in result.workloads if w.workload.address.endswith(ADDRESS)]
    return found


def test_ten_replicas_from_six_to_eight_in_kolkata_run_14_hours_a_day(tmp_path: Path) -> None:
    scaled = (KEDA / "keda-docs-2.18-cron-fixed.yaml").read_text(encoding="utf-8")
    item = _workload(tmp_path, scaled)
    deployment = item.workload.current
    # 10 replicas × 14 h × 365 days ÷ 12: the Deployment's own replicas: 2 are KEDA's to set
    hours = (Decimal(14 * 365) / 12).quantize(Decimal("0.01"))
    assert (deployment.node_count, deployment.hours_per_month) == (10, hours)
    assert deployment.steady_nodes == 0
    assert item.monthly_cost is not None
    assert abs(item.monthly_cost - 10 * price("g5.xlarge") * hours) < Decimal("0.01")
    note = " ".join(deployment.notes)
    assert (
        "ScaledObject cron-scaledobject (cron: 10 from 0 6 * * * to 0 20 * * * Asia/Kolkata" in note
    )
    assert "0 run all month" in note


def test_a_load_trigger_beside_the_cron_keeps_the_full_month(tmp_path: Path) -> None:
    scaled = (KEDA / "keda-docs-2.18-cron-dynamic.yaml").read_text(encoding="utf-8")
    item = _workload(tmp_path, scaled)
    deployment = item.workload.current
    assert item.monthly_cost is not None
    assert abs(item.monthly_cost - 2 * price("g5.xlarge") * 730) < Decimal("0.01")
    assert (deployment.min_nodes, deployment.max_nodes, deployment.steady_nodes) == (0, 4, None)
    assert "its cpu trigger scales by load" in " ".join(deployment.notes)


def test_a_cron_floor_is_what_commitment_advice_reserves(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(RESERVE, encoding="utf-8")
    scaled = """\
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: llm-office-hours
spec:
  scaleTargetRef:
    name: my-deployment
  minReplicaCount: 1
  maxReplicaCount: 8
  triggers:
    - type: cron
      metadata:
        timezone: Europe/Berlin
        start: 0 8 * * 1-5
        end: 0 20 * * 1-5
        desiredReplicas: "4"
"""
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(DEPLOYMENT + scaled, encoding="utf-8")
    result = run_check([manifest], load_policy(policy))
    (finding,) = [f for f in result.findings if f.rule == "reserved-inference"]
    assert "reserve 1 of 4 nodes (its schedule keeps 1 running all month" in finding.message


def test_unreadable_or_unrelated_scaled_objects_never_lower_the_price(tmp_path: Path) -> None:
    full = 2 * price("g5.xlarge") * 730
    fixed = (KEDA / "keda-docs-2.18-cron-fixed.yaml").read_text(encoding="utf-8")
    for scaled, why in (
        (fixed.replace('"10"', '"ten"'), "desiredReplicas 'ten' is not a count"),
        (fixed.replace("timezone: Asia/Kolkata", "timezone: Asia/Atlantis"), "IANA time zone"),
        (fixed.replace("name: my-deployment", "name: other"), None),
    ):
        item = _workload(tmp_path, scaled)
        assert item.monthly_cost is not None
        assert abs(item.monthly_cost - full) < Decimal("0.01")
        notes = " ".join(item.workload.current.notes)
        if why is None:
            assert "ScaledObject" not in notes
        else:
            assert "not evaluated" in notes and why in notes, notes


def test_a_scaled_object_in_another_file_of_the_directory_applies(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "deployment.yaml").write_text(DEPLOYMENT, encoding="utf-8")
    fixed = KEDA / "keda-docs-2.18-cron-fixed.yaml"
    (base / "keda.yaml").write_bytes(fixed.read_bytes())
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    (elsewhere / "keda.yaml").write_bytes(fixed.read_bytes())
    result = run_check(
        [base / "deployment.yaml", base / "keda.yaml", elsewhere / "keda.yaml"],
        load_policy(DEFAULT_POLICY),
    )
    (item,) = [w for w in result.workloads if w.workload.address.endswith(ADDRESS)]
    assert item.workload.current.node_count == 10
    assert f"ScaledObject cron-scaledobject in {base / 'keda.yaml'}" in " ".join(
        item.workload.current.notes
    )
