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
