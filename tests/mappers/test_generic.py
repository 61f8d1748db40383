"""Manifests fail closed: objects of any kind that run accelerators are workloads, devices are
named as what they are, and values a cluster would refuse are input errors (exit 2)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, Runner

MANIFESTS = FIXTURES / "manifests"


def _check(aicost: Runner, *args: str | Path) -> Any:
    result = aicost("check", *args, "--format", "json")
    assert result.code in (0, 1), result.err
    return result.json


def _ai(report: Any) -> list[dict[str, Any]]:
    return [r for r in report["resources"] if (r.get("planned") or {}).get("ai")]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- any kind


def test_a_nimservice_is_an_unpriced_gpu_workload_read_generically(aicost: Runner) -> None:
    result = aicost("check", MANIFESTS / "nim-operator__nimservice.yaml", "--format", "json")
    assert result.code == 1, "an unpriced GPU workload fails the default pack"
    (found,) = _ai(result.json)
    planned = found["planned"]
    assert found["resource_type"] == "apps.nvidia.com/NIMService"
    assert planned["accelerator"]["count"] == 1
    assert planned["instance_type"] is None
    assert any(n.startswith("read generically") for n in planned["notes"])
    assert any(f["rule"] == "unpriced" and f["fails"] for f in result.json["findings"])


def test_a_multi_node_nimservice_beside_a_nimcache(aicost: Runner) -> None:
    report = _check(aicost, MANIFESTS / "nim-operator__multi-node-nimservice.yaml")
    (found,) = _ai(report)
    assert found["address"].endswith("NIMService/deepseek-r1")
    assert found["planned"]["accelerator"]["count"] == 8
    # multiNode.parallelism.pp: 2 -> two pods (pipeline stages) of 8 GPUs per replica.
    assert found["planned"]["nodes"] == 2
    assert found["planned"]["gpus"] == 16
    assert report["summary"]["other_resources"] == 1  # the NIMCache


@pytest.mark.parametrize(
    ("multi_node", "pods"),
    [
        ("  multiNode:\n    size: 4\n    gpusPerPod: 8\n", 8),
        ("  multiNode:\n    parallelism:\n      pp: 3\n      tp: 8\n", 6),
        ("", 2),
    ],
)
def test_nimservice_multi_node_pods_multiply_replicas(
    aicost: Runner, tmp_path: Path, multi_node: str, pods: int
) -> None:
    manifest = tmp_path / "nim.yaml"
    manifest.write_text(
        "apiVersion: apps.nvidia.com/v1alpha1\nkind: NIMService\nmetadata:\n  name: llm\n"
        "spec:\n  replicas: 2\n  resources:\n    limits:\n      nvidia.com/gpu: 8\n" + multi_node,
        encoding="utf-8",
    )
    (found,) = _ai(_check(aicost, manifest))
    assert found["planned"]["nodes"] == pods
    assert found["planned"]["gpus"] == pods * 8


def test_a_cpu_only_jobset_is_not_an_ai_workload(aicost: Runner) -> None:
    result = aicost("check", MANIFESTS / "jobset__resnet.yaml", "--format", "json")
    assert result.code == 0, result.err
    assert _ai(result.json) == []


JOBSET_TPU = """\
apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata:
  name: multislice
  labels: {team: ml, model: gemma, use-case: research, environment: prod, workload: training}
spec:
  replicatedJobs:
  - name: slice
    replicas: 2
    template:
      spec:
        parallelism: 4
        completions: 4
        template:
          spec:
            nodeSelector:
              cloud.google.com/gke-tpu-accelerator: tpu-v5p-slice
              cloud.google.com/gke-tpu-topology: 2x2x4
            containers:
            - name: jax
              image: python
              resources:
                limits:
                  google.com/tpu: 4
"""


def test_a_jobset_multiplies_replicas_by_parallelism(aicost: Runner, tmp_path: Path) -> None:
    report = _check(aicost, _write(tmp_path, "jobset.yaml", JOBSET_TPU))
    (found,) = _ai(report)
    planned = found["planned"]
    assert planned["nodes"] == 8  # 2 slices × 4 pods
    assert planned["accelerator"]["name"] == "TPU-v5p"
    assert planned["accelerator"]["kind"] == "tpu"
    assert planned["cloud"] == "gcp"
    assert planned["gpus"] == 32


def test_a_keda_scaled_job_takes_its_replica_count_range(aicost: Runner, tmp_path: Path) -> None:
    """KEDA's ScaledJob (shaped as keda-docs' "Scaling Jobs" example, with a GPU) writes
    maxReplicaCount: the range and the cost at the maximum come from it."""
    path = _write(
        tmp_path,
        "scaledjob.yaml",
        """\
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: gpu-consumer, namespace: default}
spec:
  jobTargetRef:
    template:
      spec:
        nodeSelector: {node.kubernetes.io/instance-type: g5.xlarge}
        containers:
          - name: worker
            image: demo-rabbitmq-client:1
            resources: {limits: {nvidia.com/gpu: 1}}
        restartPolicy: Never
    backoffLimit: 4
  pollingInterval: 10
  maxReplicaCount: 30
  triggers:
    - type: rabbitmq
      metadata: {queueName: hello, host: RabbitMqHost, queueLength: "5"}
""",
    )
    (found,) = _ai(_check(aicost, path))
    assert (found["planned"]["nodes"], found["planned"]["max_nodes"]) == (1, 30)
    one = float(found["monthly_cost"])
    assert float(found["unit_costs"]["monthly_at_max_replicas"]) == pytest.approx(30 * one)


def test_a_custom_resource_nested_deep_is_found(aicost: Runner, tmp_path: Path) -> None:
    text = """\
apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: wrapped}
spec:
  components:
  - template:
      apiVersion: example.com/v1
      kind: Trainer
      spec:
        roles:
          Worker:
            replicas: 3
            template:
              spec:
                containers:
                - name: t
                  resources: {limits: {nvidia.com/gpu: "2"}}
"""
    (found,) = _ai(_check(aicost, _write(tmp_path, "wrapped.yaml", text)))
    assert found["planned"]["nodes"] == 3
    assert found["planned"]["accelerator"]["count"] == 2


# --------------------------------------------------------------------------- device names


def _pod(resource: str, count: str = "1", selector: str = "") -> str:
    return f"""\
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  {selector}
  containers:
  - name: c
    resources: {{limits: {{{resource}: {count}}}}}
"""


@pytest.mark.parametrize(
    ("resource", "name", "kind"),
    [
        (
            "aws.amazon.com/neuron",
            "AWS Neuron device (Trainium or Inferentia, type not named)",
            "neuron",
        ),
        (
            "aws.amazon.com/neuroncore",
            "AWS Neuron device (Trainium or Inferentia, type not named)",
            "neuron",
        ),
        ("google.com/tpu", "TPU (generation not named)", "tpu"),
        ("habana.ai/gaudi", "Gaudi", "hpu"),
        ("amd.com/gpu", "AMD GPU (type not named)", "gpu"),
        ("gpu.intel.com/i915", "Intel GPU (type not named)", "gpu"),
        ("nvidia.com/mig-1g.10gb", "MIG 1g.10gb slice", "gpu"),
    ],
)
def test_devices_are_named_as_what_they_are(
    aicost: Runner, tmp_path: Path, resource: str, name: str, kind: str
) -> None:
    count = "2" if resource.endswith("neuroncore") else "1"
    (found,) = _ai(_check(aicost, _write(tmp_path, "pod.yaml", _pod(resource, count))))
    accelerator = found["planned"]["accelerator"]
    assert accelerator["name"] == name
    assert accelerator["kind"] == kind
    assert accelerator["name"] != "GPU (type not named)"


def test_a_trainium_node_names_trainium(aicost: Runner, tmp_path: Path) -> None:
    selector = "nodeSelector: {node.kubernetes.io/instance-type: trn1.32xlarge}"
    text = _pod("aws.amazon.com/neuron", "16", selector)
    (found,) = _ai(_check(aicost, _write(tmp_path, "trn.yaml", text)))
    planned = found["planned"]
    assert planned["accelerator"]["name"] == "Trainium"
    assert planned["instance_type"] == "trn1.32xlarge"
    assert planned["cloud"] == "aws"


def test_a_mig_slice_of_a_known_gpu_is_priced_as_its_share(aicost: Runner, tmp_path: Path) -> None:
    text = _pod("nvidia.com/mig-1g.5gb", "7")
    (found,) = _ai(_check(aicost, _write(tmp_path, "mig.yaml", text)))
    planned = found["planned"]
    assert planned["accelerator"]["name"] == "A100"  # only the A100 40GB has 1g.5gb
    assert planned["accelerator"]["count"] == 1  # seven 1/7 slices
    assert any("MIG slices" in n for n in planned["notes"])


def test_own_node_labels_map_to_machines_through_a_cluster_profile(
    aicost: Runner, tmp_path: Path
) -> None:
    policy = _write(
        tmp_path,
        "policy.yaml",
        """\
version: 1
name: p
settings:
  clusters:
    - name: prod
      cloud: aws
      region: us-east-1
      default: true
      node_labels: {"example.com/gpu-pool=h100": p5.48xlarge}
rules: []
""",
    )
    text = _pod("nvidia.com/gpu", "8", "nodeSelector: {example.com/gpu-pool: h100}")
    report = _check(aicost, _write(tmp_path, "pod.yaml", text), "--policy", policy)
    (found,) = _ai(report)
    planned = found["planned"]
    assert planned["instance_type"] == "p5.48xlarge"
    assert planned["accelerator"]["name"] == "H100"
    assert found["monthly_cost"] is not None


# --------------------------------------------------------------------------- invalid values

DEPLOYMENT = """\
apiVersion: {api}
kind: {kind}
metadata: {{name: d}}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
      - name: a
        resources: {{limits: {{nvidia.com/gpu: {gpus}}}}}
"""


@pytest.mark.parametrize(("api", "kind"), [("apps/v1", "Deployment"), ("example.com/v1", "Thing")])
@pytest.mark.parametrize(
    ("replicas", "gpus", "field", "line"),
    [
        (".nan", "1", "spec.replicas", 5),
        (".inf", "1", "spec.replicas", 5),
        ("-.inf", "1", "spec.replicas", 5),
        ("-3", "1", "spec.replicas", 5),
        ("1.5", "1", "spec.replicas", 5),
        ("many", "1", "spec.replicas", 5),
        ("99999999999", "1", "spec.replicas", 5),
        ("2", "-1", "nvidia.com/gpu", 10),
        ("2", "'-1'", "nvidia.com/gpu", 10),
        ("2", ".nan", "nvidia.com/gpu", 10),
        ("2", "0.5", "nvidia.com/gpu", 10),
        ("2", "lots", "nvidia.com/gpu", 10),
        ("2", "true", "nvidia.com/gpu", 10),
    ],
)
def test_invalid_counts_exit_2_naming_file_line_and_field(
    aicost: Runner,
    tmp_path: Path,
    api: str,
    kind: str,
    replicas: str,
    gpus: str,
    field: str,
    line: int,
) -> None:
    path = _write(
        tmp_path, "bad.yaml", DEPLOYMENT.format(api=api, kind=kind, replicas=replicas, gpus=gpus)
    )
    result = aicost("check", path)
    assert result.code == 2, result.err
    message = result.err.strip().splitlines()[-1]
    assert f"bad.yaml:{line}:" in message
    assert field in message
    assert "Traceback" not in result.err


def test_containers_as_a_mapping_exits_2(aicost: Runner, tmp_path: Path) -> None:
    text = """\
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      containers:
        trainer:
          resources: {limits: {nvidia.com/gpu: 8}}
"""
    result = aicost("check", _write(tmp_path, "job.yaml", text))
    assert result.code == 2
    assert "job.yaml:7:" in result.err
    assert "spec.template.spec.containers: must be a list" in result.err


# --------------------------------------------------------------------------- dstack


@pytest.mark.parametrize(
    ("gpu", "name", "count", "machine"),
    [
        ("8:H200", "H200", 8, "p5en.48xlarge"),
        ("H200:8", "H200", 8, "p5en.48xlarge"),
        ("2..4:H100", "H100", 2, "p5.48xlarge"),
        ("A100:40GB:2", "A100", 2, "p4d.24xlarge"),
        ("nvidia:24GB..:2", "L4", 2, "g6.12xlarge"),
        ("24GB..80GB:1..2", "L4", 1, "g6.xlarge"),
    ],
)
def test_dstack_gpu_forms(
    aicost: Runner, tmp_path: Path, gpu: str, name: str, count: int, machine: str
) -> None:
    text = f"type: task\nname: t\ncommands: [python train.py]\nresources:\n  gpu: {gpu}\n"
    (found,) = _ai(_check(aicost, _write(tmp_path, "t.dstack.yml", text)))
    planned = found["planned"]
    assert planned["accelerator"]["name"] == name
    assert planned["accelerator"]["count"] == count
    assert planned["instance_type"] == machine


def test_dstack_replica_groups_are_components(aicost: Runner, tmp_path: Path) -> None:
    text = """\
type: service
name: pd
port: 8000
commands: [vllm serve x]
resources:
  gpu: H100:1
replicas:
  - name: prefill
    count: 2
    resources: {gpu: "8:H200"}
  - name: decode
    count: 1..3
"""
    found = {
        r["component"]: r["planned"]
        for r in _ai(_check(aicost, _write(tmp_path, "s.dstack.yml", text)))
    }
    assert found["prefill"]["nodes"] == 2
    assert found["prefill"]["accelerator"]["name"] == "H200"
    assert found["decode"]["accelerator"]["name"] == "H100"  # the service's resources
    assert found["decode"]["max_nodes"] == 3


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("resources:\n  gpu: -1\n", "resources.gpu"),
        ("resources:\n  gpu: .nan\n", "resources.gpu"),
        ("resources:\n  gpu: H100:-2\n", "resources.gpu"),
        ("resources:\n  gpu: 1\nnodes: .inf\n", "nodes"),
        ("resources:\n  gpu: 1\nnodes: -4\n", "nodes"),
    ],
)
def test_dstack_invalid_counts_exit_2(
    aicost: Runner, tmp_path: Path, text: str, field: str
) -> None:
    path = _write(tmp_path, "t.dstack.yml", "type: task\nname: t\ncommands: [x]\n" + text)
    result = aicost("check", path)
    assert result.code == 2, result.err
    assert "t.dstack.yml:" in result.err and field in result.err


# --------------------------------------------------------------------------- bounded work


def test_aliases_of_a_big_string_are_refused_fast(aicost: Runner, tmp_path: Path) -> None:
    big = "x" * 15_000
    text = (
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n"
        f"  name: &s {big}\nspec:\n  template:\n    spec:\n      containers:\n"
        "      - name: a\n        resources: {limits: {nvidia.com/gpu: 1}}\n"
        "        command: [" + ",".join(["*s"] * 2000) + "]\n"
    )
    path = _write(tmp_path, "aliases.yaml", text)
    assert 20_000 < path.stat().st_size < 25_000
    started = time.perf_counter()
    result = aicost("check", path)
    assert time.perf_counter() - started < 2
    assert result.code == 2
    assert "aliases expand to more than" in result.err


def test_a_date_as_a_policy_tag_value_is_its_text(aicost: Runner, tmp_path: Path) -> None:
    policy = _write(
        tmp_path,
        "policy.yaml",
        """\
version: 1
name: p
rules:
  - id: launch-tag
    type: required-tags
    tags: [owner]
    match:
      tags: {launch: 2026-01-01}
""",
    )
    text = _pod("nvidia.com/gpu", "1").replace(
        "metadata: {name: p}", ("metadata: {name: p, labels: {launch: '2026-01-01'}}")
    )
    result = aicost(
        "check", _write(tmp_path, "pod.yaml", text), "--policy", policy, "--format", "json"
    )
    assert result.code == 1, result.err  # the rule matched the pod: owner is missing
    assert any(f["rule"] == "launch-tag" for f in result.json["findings"])


# --------------------------------------------------------------------------- VM-level jobs


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "sky.yaml",
            "resources:\n  accelerators: A100:-8\nrun: python train.py\n",
            "sky.yaml:2: resources.accelerators",
        ),
        (
            "sky.yaml",
            "resources:\n  accelerators: {A100: .nan}\nrun: python train.py\n",
            "sky.yaml:2: resources.accelerators",
        ),
        (
            "sky.yaml",
            "resources:\n  accelerators: A100:8\nnum_nodes: -2\nrun: python train.py\n",
            "sky.yaml:3: num_nodes: must not be negative",
        ),
        (
            "job.json",
            '{"TrainingJobName": "t", "ResourceConfig": {"InstanceType": "ml.p4d.24xlarge",'
            ' "InstanceCount": -2, "VolumeSizeInGB": 50}}',
            "ResourceConfig.InstanceCount: must not be negative",
        ),
    ],
)
def test_vm_job_counts_are_checked(
    aicost: Runner, tmp_path: Path, name: str, text: str, message: str
) -> None:
    result = aicost("check", _write(tmp_path, name, text))
    assert result.code == 2, result.err
    assert message in result.err


def test_an_object_asking_for_gpus_where_its_reader_does_not_look_exits_2(
    aicost: Runner, tmp_path: Path
) -> None:
    text = DEPLOYMENT.format(api="apps/v1", kind="Deployment", replicas=2, gpus=4).replace(
        "  template:\n    spec:", "  template:\n  - spec:"
    )
    result = aicost("check", _write(tmp_path, "d.yaml", text))
    assert result.code == 2, result.err
    assert "asks for accelerators in a place aicost does not read" in result.err


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        # resources given as a list (found by the property test with more examples)
        (
            "              resources:\n                limits:\n",
            "              resources:\n              - limits:\n",
            "containers[0].resources[0].limits.google.com/tpu",
        ),
        # limits given as a list
        (
            "                limits:\n                  google.com/tpu: 4\n",
            "                limits:\n                  - google.com/tpu: 4\n",
            "containers[0].resources.limits[0].google.com/tpu",
        ),
    ],
)
def test_a_request_inside_a_list_where_a_mapping_belongs_exits_2(
    aicost: Runner, tmp_path: Path, old: str, new: str, field: str
) -> None:
    """Kubernetes would refuse either: never a PASS with no workload."""
    assert old in JOBSET_TPU
    result = aicost("check", _write(tmp_path, "jobset.yaml", JOBSET_TPU.replace(old, new)))
    assert result.code == 2, result.err
    assert field in result.err and "asks for accelerators in a place" in result.err


def test_a_gpu_object_without_api_version_exits_2_not_skipped(
    aicost: Runner, tmp_path: Path
) -> None:
    """An object Kubernetes refuses (no apiVersion) beside one it takes: the GPU one is
    never skipped with a warning into a PASS."""
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" + JOBSET_TPU.replace(
        "apiVersion: jobset.x-k8s.io/v1alpha2\n", ""
    )
    result = aicost("check", _write(tmp_path, "jobset.yaml", text))
    assert result.code == 2, result.err
    assert "jobset.yaml:5" in result.err and "without apiVersion and kind asks for" in result.err
    cpu_only = text.replace("google.com/tpu: 4", "cpu: 4")
    assert aicost("check", _write(tmp_path, "cpu.yaml", cpu_only)).code == 0
