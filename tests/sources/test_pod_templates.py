"""Pod templates read once per distinct content: each reader still gets its own pod."""

from __future__ import annotations

from typing import Any

from aicost.sources.podspec import read_pod


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
