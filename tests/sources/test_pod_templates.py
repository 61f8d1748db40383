"""Pod templates read once per distinct content: each reader still gets its own pod."""

from __future__ import annotations

from typing import Any

import pytest

from aicost.core.errors import InputError
from aicost.sources.podcheck import validate
from aicost.sources.podspec import read_pod
from aicost.sources.yamldocs import load_text


def _template(gpus: Any) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"team": "nlp"}},
        "spec": {
            "nodeSelector": {"node.kubernetes.io/instance-type": "g5.12xlarge"},
            "containers": [
                {
                    "name": "trainer",
                    "command": ["torchrun", "train.py"],
                    "resources": {"limits": {"nvidia.com/gpu": gpus}},
                }
            ],
        },
    }


def test_same_template_twice_gives_independent_equal_pods() -> None:
    first = read_pod(_template(4))
    first.notes.append("added by a reader")
    first.commands.append("--extra")
    first.labels["changed"] = "yes"
    second = read_pod(_template(4))
    assert second.accel_count == 4
    assert second.instance_types == ("g5.12xlarge",)
    assert "added by a reader" not in second.notes
    assert second.commands == ["torchrun", "train.py"]
    assert second.labels == {"team": "nlp"}


def test_templates_differing_only_in_value_type_are_read_apart() -> None:
    assert read_pod(_template(4)).accel_count == 4
    assert read_pod(_template("4")).accel_count == 4
    assert read_pod(_template(2.0)).accel_count == 2
    assert read_pod(_template(4), extra={"cloud.google.com/gke-accelerator": "nvidia-l4"}) != (
        read_pod(_template(4))
    )


_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: train-{i}
{extra}spec:
  parallelism: {parallelism}
  template:
    spec:
      containers:
        - name: trainer
          resources:
            limits:
              nvidia.com/gpu: 1
"""


def _check(text: str) -> None:
    for document in load_text(text, "job.yaml"):
        validate("job.yaml", document, document.data, ())


def test_a_spec_seen_valid_still_has_the_rest_of_its_object_checked() -> None:
    _check(_JOB.format(i=1, extra="", parallelism=2))
    _check(_JOB.format(i=2, extra="", parallelism=2))  # the same spec: still fine
    with pytest.raises(InputError, match="replicas: must not be negative") as caught:
        _check(_JOB.format(i=3, extra="replicas: -1\n", parallelism=2))
    assert caught.value.line == 5
    with pytest.raises(InputError, match="parallelism: must not be negative"):
        _check(_JOB.format(i=4, extra="", parallelism=-2))


_SHAPED = """apiVersion: batch/v1
kind: {kind}
metadata:
  name: {name}
  labels: {{team: {team}, aicost/cluster: {cluster}}}
{gap}spec:
  parallelism: {parallelism}
  template:
    spec:
      containers:
        - name: trainer
          command: [python, {script}]
          resources:
            limits:
              nvidia.com/gpu: 1
"""


def _specs(**values: Any) -> list[Any]:
    from aicost.sources.k8s import read_object

    fields: dict[str, Any] = {"kind": "Job", "name": "a", "team": "nlp", "cluster": "one"}
    fields |= {"gap": "", "parallelism": 2, "script": "train.py"} | values
    text = _SHAPED.format(**fields)
    return [
        spec
        for document in load_text(text, "job.yaml")
        for spec in read_object(fields["kind"], document.data, document, ())
    ]


def test_objects_with_one_spec_each_keep_their_own_name_labels_line_and_cluster() -> None:
    (first,) = _specs()
    (second,) = _specs(name="b", team="vision", cluster="two")
    assert (first.name, first.labels, first.line, first.cluster) == (
        "a",
        {"team": "nlp", "aicost/cluster": "one"},
        2,
        "one",
    )
    assert (second.name, second.labels, second.line, second.cluster) == (
        "b",
        {"team": "vision", "aicost/cluster": "two"},
        2,
        "two",
    )
    # Read from the one spec: the same groups, class hint and reasons.
    assert second.groups == first.groups
    assert second.hint_class == first.hint_class
    assert second.kind_reason == first.kind_reason


def test_objects_differing_in_spec_kind_or_template_line_are_read_apart() -> None:
    (job,) = _specs()
    assert job.groups[0].units == 2
    assert _specs(parallelism=3)[0].groups[0].units == 3
    assert _specs(parallelism="2")[0].groups[0].units == 2
    assert _specs(script="serve.py")[0].hint_class != job.hint_class
    (deployment,) = _specs(kind="Deployment")
    assert deployment.resource_type == "batch/Deployment"
    assert deployment.groups[0].units == 1  # replicas, not parallelism
    (moved,) = _specs(gap="annotations: {}\n")
    assert moved.groups[0].line == job.groups[0].line + 1


def test_a_spec_with_a_date_or_a_timestamp_is_read_every_time() -> None:
    """MessagePack writes a date as its text (and a timestamp as the same instant in any
    time zone): such a spec is not remembered, so it cannot stand for a different one."""
    from aicost.sources import k8s

    k8s._SHAPES.clear()
    _specs(script='"train.py"')
    assert len(k8s._SHAPES) == 1
    for value in ("2026-01-31", '"2026-01-31"', "2026-01-31T10:00:00+02:00"):
        (spec,) = _specs(script=value)
        assert spec.groups[0].units == 2
    assert len(k8s._SHAPES) == 1
