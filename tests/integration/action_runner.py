"""Run a composite action's steps the way the Actions runner does, locally.

Reads action.yml, evaluates the ``${{ }}`` expressions the runner would (``inputs.*``,
``github.*``, ``steps.<id>.outputs.*``, ``runner.temp``) in ``env:`` and ``if:``, and runs
every ``run:`` step with ``bash --noprofile --norc -eo pipefail`` in an environment like a
runner's: ``GITHUB_OUTPUT`` (a fresh file per step), ``GITHUB_STEP_SUMMARY``,
``GITHUB_EVENT_PATH`` with the event JSON, ``GITHUB_ACTION_PATH``, ``RUNNER_TEMP``.
``uses:`` steps (third-party actions) are recorded, not run. A step that fails stops the
job, as on GitHub.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
Steps = dict[str, dict[str, str]]


@dataclass
class StepResult:
    name: str
    kind: str  # run | uses | skipped
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class JobResult:
    steps: list[StepResult]
    outputs: dict[str, str]
    summary: str

    @property
    def code(self) -> int:
        return next((s.code for s in self.steps if s.code), 0)

    @property
    def log(self) -> str:
        return "".join(s.stdout + s.stderr for s in self.steps)

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)


def parse_outputs(text: str) -> dict[str, str]:
    """``name=value`` and ``name<<DELIMITER ... DELIMITER`` lines of a GITHUB_OUTPUT file."""
    outputs: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
            i += 1
        else:
            i += 1
    return outputs


class ActionRunner:
    def __init__(
        self,
        action_dir: Path,
        workspace: Path,
        *,
        event_name: str = "pull_request",
        event: dict[str, Any] | None = None,
        token: str = "ghs_test",
        api_url: str = "https://api.github.com",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.action_dir = action_dir
        self.workspace = workspace
        self.metadata = yaml.safe_load((action_dir / "action.yml").read_text())
        self.temp = workspace.parent / "runner-temp"
        self.temp.mkdir(exist_ok=True)
        self.event_path = self.temp / "event.json"
        self.event = event or {}
        import json

        self.event_path.write_text(json.dumps(self.event))
        self.summary = self.temp / "step-summary.md"
        self.summary.touch()
        self.github = {
            "action_path": str(action_dir),
            "token": token,
            "event_name": event_name,
            "repository": "o/r",
            "workspace": str(workspace),
            "api_url": api_url,
            "event": self.event,
        }
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))},
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(action_dir),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_API_URL": api_url,
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "RUNNER_TEMP": str(self.temp),
            **(extra_env or {}),
        }

    # ------------------------------------------------------------------ expressions

    def value(self, expression: str, inputs: dict[str, str], steps: Steps) -> Any:
        expression = expression.strip()
        if expression.startswith("'") and expression.endswith("'"):
            return expression[1:-1]
        if expression in ("true", "false"):
            return expression == "true"
        if expression == "always()":
            return True
        parts = expression.split(".")
        if parts[0] == "inputs":
            return inputs.get(parts[1], "")
        if parts[0] == "runner" and parts[1] == "temp":
            return str(self.temp)
        if parts[0] == "steps":
            return steps.get(parts[1], {}).get(parts[3], "")
        if parts[0] == "github":
            node: Any = self.github
            for part in parts[1:]:
                node = node.get(part, "") if isinstance(node, dict) else ""
            return node
        raise AssertionError(f"the harness does not know the expression {expression!r}")

    def condition(self, text: str, inputs: dict[str, str], steps: Steps) -> bool:
        inner = _EXPRESSION.fullmatch(text.strip())
        expression = inner.group(1) if inner else text
        result = True
        for clause in expression.split("&&"):
            clause = clause.strip()
            if "==" in clause or "!=" in clause:
                op = "==" if "==" in clause else "!="
                left, right = (self.value(s, inputs, steps) for s in clause.split(op, 1))
                result = result and ((str(left) == str(right)) == (op == "=="))
            else:
                result = result and bool(self.value(clause, inputs, steps))
        return result

    def render(self, text: str, inputs: dict[str, str], steps: Steps) -> str:
        return _EXPRESSION.sub(lambda m: str(self.value(m.group(1), inputs, steps)), text)

    # ------------------------------------------------------------------ running

    def run(self, inputs: dict[str, str], *, path_prepend: str | None = None) -> JobResult:
        declared = self.metadata["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, f"inputs not declared in action.yml: {unknown}"
        values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
        values = {k: self.render(v, {}, {}) for k, v in values.items()}
        values.update(inputs)
        steps_outputs: dict[str, dict[str, str]] = {}
        results: list[StepResult] = []
        env = dict(self.env)
        if path_prepend:
            env["PATH"] = path_prepend + os.pathsep + env.get("PATH", "")
        failed = False
        for number, step in enumerate(self.metadata["runs"]["steps"]):
            name = step.get("name", f"step {number}")
            condition = step.get("if")
            if condition is not None:
                run_it = self.condition(str(condition), values, steps_outputs)
            else:
                run_it = not failed
            if not run_it:
                results.append(StepResult(name, "skipped"))
                continue
            if "uses" in step:
                results.append(StepResult(name, "uses"))
                continue
            assert "${{" not in step["run"], f"{name}: an expression inside run:"
            output_file = self.temp / f"output-{number}"
            output_file.write_text("")
            step_env = {
                **env,
                "GITHUB_OUTPUT": str(output_file),
                **{
                    k: self.render(str(v), values, steps_outputs)
                    for k, v in step.get("env", {}).items()
                },
            }
            completed = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=self.workspace,
                env=step_env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            outputs = parse_outputs(output_file.read_text())
            if "id" in step:
                steps_outputs[step["id"]] = outputs
            results.append(
                StepResult(
                    name, "run", completed.returncode, completed.stdout, completed.stderr, outputs
                )
            )
            if completed.returncode:
                failed = True
        action_outputs = {
            name: self.render(str(spec["value"]), values, steps_outputs)
            for name, spec in self.metadata.get("outputs", {}).items()
        }
        return JobResult(results, action_outputs, self.summary.read_text())
