"""From pods to money: machines, GPU shares, cluster profiles, spot, runs, and the rules."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from aicost.core.model import PurchaseOption
from aicost.sources import detect
from tests.conftest import Runner, plan
from tests.helpers import price
from tests.mappers.manifest_helpers import check, policy, write

HOURS = Decimal(730)

JOB = """\
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: bert-finetune
  labels: {team: nlp, model: bert, use-case: qa, environment: prod}
spec:
  runPolicy:
    activeDeadlineSeconds: 36000
  pytorchReplicaSpecs:
    Worker:
      replicas: 3
      template:
        spec:
          nodeSelector:
            {selector}
          containers:
            - name: pytorch
              resources:
                limits:
                  nvidia.com/gpu: {count}
"""

PROFILE = """\
version: 1
name: clusters
rules:
  - id: spot-training
    type: training-purchase
    require: [spot]
settings:
  clusters:
    - name: eks-prod
      cloud: aws
      region: us-west-2
      default: true
      purchase: {purchase}
      nodes:
        A10G: g5.12xlarge
        "*": g6.xlarge
"""


def _job(tmp_path: Path, selector: str, count: str = "1") -> Path:
    return write(
        tmp_path, "job.yaml", JOB.replace("{selector}", selector).replace("{count}", count)
    )


def test_a_pod_is_priced_as_its_share_of_the_cluster_profile_node(tmp_path: Path) -> None:
    path = _job(tmp_path, "karpenter.k8s.aws/instance-gpu-name: a10g")
    result = check([path], policy(tmp_path, PROFILE.replace("{purchase}", "on-demand")))
    (item,) = result.workloads
    planned = item.workload.planned
    assert planned is not None
    assert planned.instance_type == "g5.12xlarge" and planned.region == "us-west-2"
    assert planned.node_share == Decimal("0.25")
    assert planned.accelerators_total == 3
    # 3 pods x 1/4 of a g5.12xlarge x 730 h: the GPU-hour is the node price over its 4 GPUs
    assert item.planned_cost is not None
    # the monthly cost is for one run (10 h deadline) unless runs_per_month says more
    assert planned.run_hours == 10
    assert planned.hours_per_month == 10
    assert item.monthly_cost == price("g5.12xlarge", "us-west-2") / 4 * 3 * 10
    assert any("1/4" in note for note in item.planned_cost.notes)


def test_on_demand_training_pods_break_spot_training_with_a_saving(tmp_path: Path) -> None:
    path = _job(tmp_path, "node.kubernetes.io/instance-type: g5.xlarge")
    result = check([path], policy(tmp_path, PROFILE.replace("{purchase}", "on-demand")))
    (found,) = [f for f in result.findings if f.rule == "spot-training"]
    assert "training workload runs 3 nodes on-demand" in found.message
    on_demand = price("g5.xlarge", "us-west-2")
    spot = price("g5.xlarge", "us-west-2", "spot")
    assert found.monthly_saving == (on_demand - spot) * 3 * 10


def test_spot_node_selectors_and_profiles_satisfy_spot_training(tmp_path: Path) -> None:
    selected = _job(tmp_path, "karpenter.sh/capacity-type: spot")
    result = check([selected], policy(tmp_path, PROFILE.replace("{purchase}", "on-demand")))
    assert [c.purchase for c in result.workloads[0].workload.planned.capacity] == [  # type: ignore[union-attr]
        PurchaseOption.SPOT
    ]
    assert not [f for f in result.findings if f.rule == "spot-training"]
    by_profile = _job(tmp_path, "team: nlp")
    result = check([by_profile], policy(tmp_path, PROFILE.replace("{purchase}", "spot")))
    planned = result.workloads[0].workload.planned
    assert planned is not None and planned.instance_type == "g6.xlarge"  # the "*" node
    assert planned.purchase_option == "spot"
    assert not [f for f in result.findings if f.rule == "spot-training"]


def test_string_and_integer_gpu_counts_are_the_same(tmp_path: Path) -> None:
    one = check(
        [_job(tmp_path, "cloud.google.com/gke-accelerator: nvidia-l4", '"2"')], policy(tmp_path)
    )
    two = check(
        [_job(tmp_path, "cloud.google.com/gke-accelerator: nvidia-l4", "2")], policy(tmp_path)
    )
    for result in (one, two):
        planned = result.workloads[0].workload.planned
        assert planned is not None and planned.accelerators_total == 6
        assert planned.accelerator is not None and planned.accelerator.name == "L4"
        assert planned.cloud == "gcp" and planned.instance_type == "g2-standard-24"


def test_skypilot_flow_mapping_alternatives_are_split(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sky.yaml",
        "name: serve\nresources:\n  accelerators: {A10G:1, L4:1}\n  use_spot: true\n"
        "service:\n  readiness_probe: /\n  replicas: 3\nrun: vllm serve x\n",
    )
    result = check([path], policy(tmp_path))
    planned = result.workloads[0].workload.planned
    assert planned is not None
    assert planned.accelerator is not None and planned.accelerator.name == "A10G"
    assert planned.instance_type == "g5.xlarge" and planned.node_count == 3
    assert planned.purchase_option == "spot"
    assert result.workloads[0].monthly_cost == price("g5.xlarge", column="spot") * 3 * HOURS
    assert any("alternatives A10G:1, L4:1" in n for n in planned.notes)


def test_commented_out_spot_is_not_spot(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sky.yaml",
        "resources:\n  accelerators: V100:4\n  cloud: aws\n  # use_spot: true\nnum_nodes: 2\n"
        "run: python train.py\n",
    )
    planned = check([path], policy(tmp_path)).workloads[0].workload.planned
    assert planned is not None
    assert planned.purchase_option == "on-demand" and planned.instance_type == "p3.8xlarge"
    assert planned.workload_class.value == "training"


def test_cronjob_runs_per_month_come_from_the_schedule(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cron.yaml",
        """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-eval}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      activeDeadlineSeconds: 7200
      template:
        spec:
          nodeSelector: {node.kubernetes.io/instance-type: g6.xlarge}
          containers:
            - name: eval
              resources: {limits: {nvidia.com/gpu: 1}}
""",
    )
    item = check([path], policy(tmp_path)).workloads[0]
    planned = item.workload.planned
    assert planned is not None
    assert planned.runs_per_month == Decimal("30.42") and planned.run_hours == 2
    assert item.monthly_cost == price("g6.xlarge") * Decimal("30.42") * 2


@pytest.mark.parametrize(
    ("schedule", "runs"),
    [
        ("@every 1h", "730.00"),  # Kubernetes' cron parser takes @every: it was one run
        ("@every 1h30m", "486.67"),
        ("CRON_TZ=UTC 0 2 * * *", "30.42"),  # a time zone prefix was unreadable
        ("TZ=Europe/Paris @daily", "30.42"),
        ("* * * * * * *", None),  # not a schedule: said so in the notes
    ],
)
def test_cronjob_schedules_kubernetes_accepts_are_read(
    tmp_path: Path, schedule: str, runs: str | None
) -> None:
    path = write(
        tmp_path,
        "cron.yaml",
        f"""\
apiVersion: batch/v1
kind: CronJob
metadata: {{name: eval}}
spec:
  schedule: "{schedule}"
  jobTemplate:
    spec:
      activeDeadlineSeconds: 3600
      template:
        spec:
          nodeSelector: {{node.kubernetes.io/instance-type: g6.xlarge}}
          containers:
            - name: eval
              resources: {{limits: {{nvidia.com/gpu: 1}}}}
""",
    )
    planned = check([path], policy(tmp_path)).workloads[0].workload.planned
    assert planned is not None
    if runs is None:
        assert planned.runs_per_month is None
        assert f"CronJob schedule '{schedule}' cannot be read" in planned.notes
    else:
        assert planned.runs_per_month == Decimal(runs)


def test_manifests_do_not_steal_terraform_plans(tmp_path: Path) -> None:
    assert detect(plan("aws_mixed")).KIND == "terraform-plan"
    json_manifest = write(
        tmp_path,
        "job.json",
        '{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {}}',
    )
    assert detect(json_manifest).KIND == "kubernetes"


def test_manifest_and_plan_are_checked_together(aicost: Runner, tmp_path: Path) -> None:
    job = _job(tmp_path, "node.kubernetes.io/instance-type: g5.xlarge")
    result = aicost("check", plan("aws_mixed"), job, "--format", "json")
    kinds = {i["kind"] for i in result.json["inputs"]}
    assert kinds == {"terraform-plan", "kubernetes"}
    (resource,) = [r for r in result.json["resources"] if r["address"].startswith(str(job))]
    assert resource["address"] == f"{job}:PyTorchJob/bert-finetune"
    assert resource["gpus"] == 3 and resource["workload"] == "training"
    assert resource["run_hours"] == "10"
    assert resource["unit_costs"]["per_run"] == str(
        (price("g5.xlarge") * 3 * 10).quantize(Decimal("0.01"))
    )


BAD = {
    "truncated.yaml": ("apiVersion: batch/v1\nkind: Job\nspec: {template: [\n", 4),
    "tag.yaml": ("apiVersion: v1\nkind: Pod\nspec: !!python/object:os.system {}\n", 3),
    "dup.yaml": ("apiVersion: v1\nkind: Pod\nkind: Job\n", 3),
    "bomb.yaml": (
        "apiVersion: v1\nkind: Pod\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
        None,
    ),
}


def test_bad_manifests_exit_2_with_one_line_naming_file_and_line(
    aicost: Runner, tmp_path: Path
) -> None:
    for name, (text, line) in BAD.items():
        path = write(tmp_path, name, text)
        result = aicost("check", path)
        assert result.code == 2, (name, result.err)
        errors = [x for x in result.err.splitlines() if x.startswith("aicost: error:")]
        assert len(errors) == 1 and "Traceback" not in result.err
        where = f"{path}:{line}" if line else str(path)
        assert errors[0].startswith(f"aicost: error: {where}"), errors[0]


def test_a_usage_file_passed_as_input_is_refused_with_a_pointer(
    aicost: Runner, tmp_path: Path
) -> None:
    path = write(tmp_path, "aicost-usage.yml", "version: 1\nresource_usage: {}\n")
    result = aicost("check", path)
    assert result.code == 2 and "--usage-file" in result.err


def test_run_hours_shorten_a_job_month_but_not_a_terraform_instance(tmp_path: Path) -> None:
    """A Job runs only while it runs; an instance Terraform keeps runs all month.

    `aws_instance.underapproved` carries `run-hours = 300`: that is the length of the
    training run it hosts (used by training-run-cost), not how long the instance exists.
    """
    from aicost.pipeline import run_check
    from aicost.policy.loader import load_policy
    from tests.conftest import REPO, plan

    result = run_check([plan("aws_platform")], load_policy(REPO / "policies" / "default.yaml"))
    item = next(w for w in result.workloads if w.workload.address == "aws_instance.underapproved")
    planned = item.workload.planned
    assert planned is not None
    assert planned.run_hours == 300 and planned.run_hours_reason == "tag run-hours=300"
    assert item.monthly_cost == price("p5.48xlarge") * 730


def test_an_impossible_date_in_a_manifest_is_text_not_a_crash(
    aicost: Runner, tmp_path: Path
) -> None:
    """Manifests share the policy loader's YAML handling: `2026-02-30` stays a string."""
    path = write(
        tmp_path,
        "job.yaml",
        """\
apiVersion: batch/v1
kind: Job
metadata:
  name: eval
  annotations: {review-by: 2026-02-30}
spec:
  template:
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: g6.xlarge}
      containers:
        - name: eval
          resources: {limits: {nvidia.com/gpu: 1}}
""",
    )
    result = aicost("check", path, "--format", "json")
    assert result.code in (0, 1), result.err
    assert result.json["resources"][0]["planned"]["instance_type"] == "g6.xlarge"


_TEMPLATED_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  labels: {{team: {team}, workload: {workload}{cluster}}}
spec:
  template:
    spec:
      nodeSelector: {{node.kubernetes.io/instance-type: {machine}}}
      containers:
        - name: trainer
          resources: {{limits: {{nvidia.com/gpu: 1}}}}
"""


def test_jobs_made_from_one_template_are_priced_alike_with_their_own_labels(
    tmp_path: Path,
) -> None:
    """Jobs with one spec share their machine choice; each keeps its own tags and class,
    and a job whose labels name another cluster profile or machine is priced on its own."""
    pol = policy(
        tmp_path,
        "version: 1\nname: profiles\nrules: []\nsettings:\n  clusters:\n"
        "    - {name: east, cloud: aws, region: us-east-2, default: true}\n"
        "    - {name: west, cloud: aws, region: us-west-2}\n",
    )
    jobs = [
        ("a", "nlp", "training", "", "g5.xlarge"),
        ("b", "vision", "inference", "", "g5.xlarge"),
        ("c", "nlp", "training", ", aicost/cluster: west", "g5.xlarge"),
        ("d", "nlp", "training", "", "g5.2xlarge"),
    ]
    paths = [
        write(
            tmp_path,
            f"{name}.yaml",
            _TEMPLATED_JOB.format(
                name=name, team=team, workload=workload, cluster=cluster, machine=machine
            ),
        )
        for name, team, workload, cluster, machine in jobs
    ]
    result = check(paths, pol)
    found = {w.workload.address.rsplit("/", 1)[1]: w.workload.planned for w in result.workloads}
    assert {name: d.instance_type for name, d in found.items() if d} == {
        "a": "g5.xlarge",
        "b": "g5.xlarge",
        "c": "g5.xlarge",
        "d": "g5.2xlarge",
    }
    a, b, c = found["a"], found["b"], found["c"]
    assert a and b and c
    assert (a.tags["team"], b.tags["team"]) == ("nlp", "vision")
    assert (a.workload_class.value, b.workload_class.value) == ("training", "inference")
    assert a.notes == b.notes
    assert (a.region, c.region) == ("us-east-2", "us-west-2")  # c names another profile
