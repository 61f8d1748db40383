"""Inline waivers in manifests use the text the reader decoded (no second read), and a
check in the same process sees the file as it is then."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from aicost.policy import inline
from aicost.sources.base import SNIFFED
from tests.conftest import Runner

JOB = """\
apiVersion: batch/v1
{waiver}kind: Job
metadata:
  name: train
  labels: {{team: vision}}
spec:
  template:
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: g5.12xlarge
      containers:
        - name: trainer
          image: pytorch
          resources:
            limits:
              nvidia.com/gpu: 4
"""
#: Above the object's line (the reader reports a Kubernetes object at its ``kind:``).
WAIVER = "# aicost:ignore=spot-training exp:2099-01-01 owner:ml -- checkpointed\n"


def _spot(aicost: Runner, path: Path) -> dict[str, Any]:
    report = aicost("check", path, "--format", "json").json
    (found,) = [f for f in report["findings"] if f["rule"] == "spot-training"]
    return dict(found)


def test_manifest_waiver_from_the_readers_text(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = tmp_path / "job.yaml"
    job.write_text(JOB.format(waiver=WAIVER))

    def no_second_read(path: str) -> tuple[str, ...]:
        raise AssertionError(f"read again: {path}")

    monkeypatch.setattr(inline, "_read_lines", no_second_read)
    found = _spot(aicost, job)
    assert found["waived"] is True and found["line"] == 3


def test_an_edited_manifest_is_seen_as_edited(aicost: Runner, tmp_path: Path) -> None:
    job = tmp_path / "job.yaml"
    job.write_text(JOB.format(waiver=WAIVER))
    assert _spot(aicost, job)["waived"] is True
    job.write_text(JOB.format(waiver=""))
    assert _spot(aicost, job)["waived"] is False
    assert not SNIFFED  # the whole small files read while sniffing are not kept


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, b""])
def test_a_byte_order_mark_changes_nothing(aicost: Runner, tmp_path: Path, bom: bytes) -> None:
    job = tmp_path / "job.yaml"
    job.write_bytes(bom + JOB.format(waiver=WAIVER).encode())
    found = _spot(aicost, job)
    assert found["waived"] is True and found["line"] == 3


@pytest.mark.parametrize(
    "text",
    [
        WAIVER + JOB.format(waiver=""),  # above the header, as docs/policy.md shows
        "---\n" + WAIVER + JOB.format(waiver=""),  # after a document marker
        "# a CPU job\n---\n" + WAIVER + JOB.format(waiver=""),
    ],
)
def test_a_waiver_above_the_objects_apiversion_line_waives_it(
    aicost: Runner, tmp_path: Path, text: str
) -> None:
    job = tmp_path / "job.yaml"
    job.write_text(text)
    assert _spot(aicost, job)["waived"] is True


def test_a_waiver_above_another_document_does_not_waive_this_one(
    aicost: Runner, tmp_path: Path
) -> None:
    other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
    job = tmp_path / "job.yaml"
    job.write_text(WAIVER + other + "---\n" + JOB.format(waiver=""))
    assert _spot(aicost, job)["waived"] is False
