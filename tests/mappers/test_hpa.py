"""HorizontalPodAutoscalers on GPU Deployments: the range is the HPA's and the price never
falls below its minimum (a Deployment that leaves ``replicas`` to its HPA says 1).

tests/fixtures/hpa holds kubernetes/examples' vLLM Deployment and its GPU-metric HPA
verbatim (source and licence in its README).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from aicost.core.model import PricedWorkload
from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES
from tests.helpers import DEFAULT_POLICY, price

HPA_FIXTURES = FIXTURES / "hpa"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
  labels: {workload: inference}
spec:
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
HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: llm
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llm}
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Pods
      pods:
        metric: {name: vllm_num_requests_running}
        target: {type: AverageValue, averageValue: 4}
"""


def _workload(tmp_path: Path, text: str) -> PricedWorkload:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(text, encoding="utf-8")
    result = run_check([manifest], load_policy(DEFAULT_POLICY))
    (item,) = [w for w in result.workloads if w.workload.address.endswith("Deployment/llm")]
    return item


def test_the_real_example_takes_its_hpas_range_from_the_next_file(tmp_path: Path) -> None:
    """kubernetes/examples' HPA, in its own file beside the Deployment it scales."""
    result = run_check(sorted(HPA_FIXTURES.glob("*.yaml")), load_policy(DEFAULT_POLICY))
    (item,) = result.workloads
    side = item.workload.current
    assert (side.node_count, side.min_nodes, side.max_nodes) == (1, 1, 5)
    notes = " ".join(side.notes)
    assert "HorizontalPodAutoscaler gemma-server-gpu-hpa in" in notes
    assert "its gpu_utilization_percent metric scales by load" in notes
    assert item.monthly_cost is None  # no GPU type named: unpriced, never $0 or non-AI


def test_a_deployment_without_replicas_is_priced_at_its_hpas_minimum(tmp_path: Path) -> None:
    item = _workload(tmp_path, DEPLOYMENT + HPA)
    side = item.workload.current
    assert (side.node_count, side.min_nodes, side.max_nodes) == (3, 3, 10)
    assert item.monthly_cost is not None
    assert abs(item.monthly_cost - 3 * price("g5.xlarge") * 730) < Decimal("0.01")
    at_max = item.unit_costs.monthly_at_max
    assert at_max is not None and abs(at_max - 10 * price("g5.xlarge") * 730) < Decimal("0.01")
    assert "priced at 3, its minimum (the object asks for 1)" in " ".join(side.notes)


def test_v1_cpu_hpas_and_more_replicas_than_the_minimum(tmp_path: Path) -> None:
    v1 = """\
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: llm}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llm}
  minReplicas: 1
  maxReplicas: 4
  targetCPUUtilizationPercentage: 80
"""
    item = _workload(
        tmp_path,
        DEPLOYMENT.replace("spec:\n  selector", "spec:\n  replicas: 2\n  selector", 1) + v1,
    )
    side = item.workload.current
    assert (side.node_count, side.min_nodes, side.max_nodes) == (2, 1, 4)
    assert "its cpu metric scales by load" in " ".join(side.notes)


def test_an_hpa_it_cannot_read_or_that_targets_another_object_lowers_nothing(
    tmp_path: Path,
) -> None:
    missing_max = HPA.replace("  maxReplicas: 10\n", "")
    item = _workload(tmp_path, DEPLOYMENT + missing_max)
    side = item.workload.current
    assert side.node_count == 3  # still at least the minimum it did read
    assert "not evaluated (maxReplicas is missing)" in " ".join(side.notes)
    other = _workload(tmp_path, DEPLOYMENT + HPA.replace("name: llm}", "name: other}"))
    assert other.workload.current.node_count == 1
    assert "HorizontalPodAutoscaler" not in " ".join(other.workload.current.notes)


def test_a_scaled_object_by_load_also_never_prices_below_its_minimum(tmp_path: Path) -> None:
    keda = """\
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: llm}
spec:
  scaleTargetRef: {name: llm}
  minReplicaCount: 2
  maxReplicaCount: 6
  triggers:
    - type: prometheus
      metadata: {serverAddress: "http://prometheus:9090", query: "sum(rate(x[1m]))", threshold: "5"}
"""
    item = _workload(tmp_path, DEPLOYMENT + keda)
    side = item.workload.current
    assert (side.node_count, side.min_nodes, side.max_nodes) == (2, 2, 6)
    assert "ScaledObject llm" in " ".join(side.notes)


def test_two_autoscalers_on_one_object_are_not_evaluated(tmp_path: Path) -> None:
    second = HPA.replace("name: llm\nspec", "name: llm-2\nspec")
    item = _workload(tmp_path, DEPLOYMENT + HPA + "---\n" + second)
    notes = " ".join(item.workload.current.notes)
    assert "HorizontalPodAutoscaler llm, HorizontalPodAutoscaler llm-2 all target it" in notes
    assert item.workload.current.node_count == 3
