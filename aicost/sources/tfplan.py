"""Terraform and OpenTofu plan JSON (``terraform show -json PLANFILE``).

Reads ``resource_changes`` (every action: create, update, delete, replace in both
orders, no-op, read, forget), resolves each resource's region and provider
``default_tags`` from the ``configuration`` section (aliases, module providers and
variables included), and keeps the configuration's references so that mappers can
follow values known only after apply (an autoscaling group's launch template id).

Accepts ``format_version`` 0.x and 1.x, UTF-8 or UTF-16 with a byte order mark, and
the stdout of the hashicorp/setup-terraform wrapper; refuses state files, the
streaming ``terraform plan -json`` log, binary plans and errored plans with one line.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from aicost.core.errors import InputError
from aicost.core.model import Action, ResourceChange, SourceRef
from aicost.sources import plancheck
from aicost.sources.base import Inventory, read_text
from aicost.sources.counts import COUNT_REASON_KEY, COUNT_UNKNOWN_KEY

if TYPE_CHECKING:  # imported where used: msgspec is not needed to import this module
    from aicost.sources import tfplan_fast

KIND = "terraform-plan"

_SUPPORTED_MAJORS = (0, 1)

_ACTIONS: dict[tuple[str, ...], Action] = {
    ("create",): Action.CREATE,
    ("update",): Action.UPDATE,
    ("delete",): Action.DELETE,
    ("no-op",): Action.NO_OP,
    ("read",): Action.READ,
    ("forget",): Action.FORGET,
    ("delete", "create"): Action.REPLACE,
    ("create", "delete"): Action.REPLACE,
    ("create", "forget"): Action.REPLACE,
}


def sniff(path: Path, head: bytes) -> bool:
    """A JSON document (or setup-terraform log) that mentions ``format_version``."""
    sample = head.replace(b"\x00", b"")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        sample = sample[2:]
    sample = sample.removeprefix(b"\xef\xbb\xbf").lstrip()
    if sample.startswith(b"[command]"):
        return True
    # Strict, so that manifests (SageMaker API JSON...) are not claimed; JSON that nothing
    # claims still comes here as the fallback, for a precise "not a plan" message.
    return sample.startswith(b"{") and (
        b'"format_version"' in sample or b'"resource_changes"' in sample
    )


def read(path: Path) -> PlanInventory:
    from aicost.sources import tfplan_fast

    document = tfplan_fast.decode(path)
    warnings: list[str] = []
    typed = document is not None
    if document is None:  # not plain UTF-8 JSON, or invalid: the full reader and its errors
        text = read_text(path)
        document, warnings = _parse(text, path)
    plan = _check_plan(document, path)
    inventory = _build(plan, path, typed=typed)
    inventory.warnings[:0] = warnings
    return inventory


# --------------------------------------------------------------------------- parsing


def _parse(text: str, path: Path) -> tuple[Any, list[str]]:
    stripped = text[:4096].lstrip()  # the head is enough; lstrip() would copy a large plan
    wrapped = stripped.startswith("[command]")
    if stripped.startswith("{") or (stripped.startswith("[") and not wrapped):
        return _loads(text, path), []
    # hashicorp/setup-terraform's wrapper prints "[command]..." and then the plan on a line.
    for line in text.splitlines():
        candidate = line.strip()
        if candidate.startswith("{") and '"format_version"' in candidate:
            try:
                document = plancheck.loads(candidate, path)
            except (ValueError, RecursionError):
                continue
            if isinstance(document, dict):
                return document, [
                    f"{path}: plan JSON taken from wrapped output "
                    "(hashicorp/setup-terraform adds log lines; set terraform_wrapper: false)"
                ]
    raise InputError(
        "not a Terraform plan: the file is not JSON "
        "(expected the output of `terraform show -json PLANFILE`)",
        path=path,
    )


def _loads(text: str, path: Path) -> Any:
    try:
        return plancheck.loads(text, path)
    except RecursionError:
        raise InputError("JSON is nested too deeply to be a Terraform plan", path=path) from None
    except json.JSONDecodeError as exc:
        first_line = text.lstrip().split("\n", 1)[0]
        if exc.msg == "Extra data" and '"@level"' in first_line:
            raise InputError(
                "this is the streaming log of `terraform plan -json`, not a plan; "
                "run `terraform plan -out=PLANFILE` then `terraform show -json PLANFILE`",
                path=path,
            ) from None
        if _truncated(text, exc):
            raise InputError(
                f"truncated JSON: the document ends early ({exc.msg})",
                path=path,
                line=exc.lineno,
                column=exc.colno,
            ) from None
        raise InputError(
            f"invalid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno
        ) from None


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _truncated(text: str, exc: json.JSONDecodeError) -> bool:
    """Whether a decode error means the document stops early (rather than being malformed)."""
    if exc.pos >= len(text.rstrip()) - 1:
        return True
    if exc.msg.startswith("Unterminated string") and text.find('"', exc.pos + 1) == -1:
        return True
    depth = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth > 0


def _check_plan(document: Any, path: Path) -> Mapping[str, Any]:
    if not isinstance(document, dict):
        raise InputError(
            f"not a Terraform plan: the top-level JSON value is a {type(document).__name__}, "
            "not an object",
            path=path,
        )
    if "format_version" not in document:
        if {"lineage", "serial"} <= document.keys() or (
            "version" in document and "resources" in document
        ):
            raise InputError(
                "this is a Terraform state file, not a plan; run `terraform plan -out=PLANFILE` "
                "then `terraform show -json PLANFILE`",
                path=path,
            )
        raise InputError(
            "not a Terraform plan: no format_version key "
            "(expected the output of `terraform show -json PLANFILE`)",
            path=path,
        )
    version = str(document["format_version"])
    try:
        major = int(version.split(".", 1)[0])
    except ValueError:
        raise InputError(f"not a Terraform plan: format_version {version!r}", path=path) from None
    if major not in _SUPPORTED_MAJORS:
        raise InputError(
            f"plan format_version {version} is not supported "
            "(aicost reads format 0.x and 1.x; upgrade aicost)",
            path=path,
        )
    if "resource_changes" not in document and "planned_values" not in document:
        if "values" in document:
            raise InputError(
                "this is Terraform state (`terraform show -json` without a plan file), "
                "not a plan; pass the plan file: `terraform show -json PLANFILE`",
                path=path,
            )
        if "resource_changes" not in document and "configuration" not in document:
            raise InputError("not a Terraform plan: no resource_changes", path=path)
    changes = document.get("resource_changes", [])
    if not isinstance(changes, list):
        raise InputError("not a Terraform plan: resource_changes is not a list", path=path)
    plancheck.configuration(document, path)
    if document.get("errored") is True:
        raise InputError(
            "the plan errored (Terraform could not finish planning); "
            "aicost will not gate on a partial plan",
            path=path,
        )
    return document


# --------------------------------------------------------------------------- building


@dataclass
class PlanInventory(Inventory):
    """A plan's resource changes plus its configuration section for references."""

    _config: Mapping[tuple[tuple[str, ...], str], Mapping[str, Any]] = field(
        default_factory=dict, repr=False
    )

    def references(self, change: ResourceChange, attribute: Sequence[str | int]) -> list[str]:
        resource = self._config.get((module_path(change.module_address), _relative(change)))
        if resource is None:
            return []
        node: Any = resource.get("expressions", {})
        for step in attribute:
            if isinstance(node, list):
                if not isinstance(step, int) or step >= len(node):
                    return []
                node = node[step]
            elif isinstance(node, dict):
                if isinstance(step, int):
                    # blocks are lists in `after` but a single object may appear in config
                    if step != 0:
                        return []
                    continue
                node = node.get(step)
            else:
                return []
            if node is None:
                return []
        if isinstance(node, dict):
            refs = node.get("references")
            if isinstance(refs, list):
                return [str(r) for r in refs]
        return []


@functools.lru_cache(maxsize=4096)
def module_path(module_address: str | None) -> tuple[str, ...]:
    """``module.a["x"].module.b[0]`` -> ``("a", "b")``."""
    if not module_address:
        return ()
    names: list[str] = []
    parts = _split_address(module_address)
    for i, part in enumerate(parts):
        if part == "module" and i + 1 < len(parts):
            names.append(parts[i + 1].split("[", 1)[0])
    return tuple(names)


def _split_address(address: str) -> list[str]:
    """Split on dots that are not inside ``[...]`` index brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    in_string = False
    for char in address:
        if char == '"' and depth:
            in_string = not in_string
        elif char == "[" and not in_string:
            depth += 1
        elif char == "]" and not in_string:
            depth -= 1
        if char == "." and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _relative(change: ResourceChange) -> str:
    return (
        f"{change.type}.{change.name}"
        if change.mode == "managed"
        else f"data.{change.type}.{change.name}"
    )


class _Resolver:
    """Evaluates the few configuration expressions aicost needs (region, default_tags)."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        config = plan.get("configuration") or {}
        self.variables: Mapping[str, Any] = plan.get("variables") or {}
        self.providers: Mapping[str, Any] = config.get("provider_config") or {}
        self.modules: dict[tuple[str, ...], Mapping[str, Any]] = {}
        self.calls: dict[tuple[str, ...], Mapping[str, Any]] = {}
        self.resources: dict[tuple[tuple[str, ...], str], Mapping[str, Any]] = {}
        self._provider_cache: dict[str, tuple[str | None, dict[str, str]]] = {}
        self.placed: dict[tuple[Any, ...], tuple[str, str | None, dict[str, str]]] = {}
        root = config.get("root_module")
        if isinstance(root, dict):
            self._index((), root)

    def _index(self, path: tuple[str, ...], module: Mapping[str, Any]) -> None:
        self.modules[path] = module
        for resource in module.get("resources") or ():
            if isinstance(resource, dict) and "address" in resource:
                self.resources[(path, str(resource["address"]))] = resource
        calls = module.get("module_calls") or {}
        if isinstance(calls, dict):
            for name, call in calls.items():
                if isinstance(call, dict):
                    child = (*path, str(name))
                    self.calls[child] = call
                    inner = call.get("module")
                    if isinstance(inner, dict):
                        self._index(child, inner)

    def value(self, expression: Any, path: tuple[str, ...], depth: int = 0) -> Any:
        """The value of an expression representation, or None if not known statically."""
        if not isinstance(expression, dict) or depth > 32:
            return None
        if "constant_value" in expression:
            return expression["constant_value"]
        for ref in expression.get("references") or ():
            ref = str(ref)
            if not ref.startswith("var."):
                continue
            name = ref[4:].split(".", 1)[0].split("[", 1)[0]
            return self.variable(name, path, depth)
        return None

    def variable(self, name: str, path: tuple[str, ...], depth: int = 0) -> Any:
        if not path:
            entry = self.variables.get(name)
            if isinstance(entry, dict) and "value" in entry:
                return entry["value"]
        else:
            call = self.calls.get(path)
            if call is not None:
                argument = (call.get("expressions") or {}).get(name)
                if argument is not None:
                    return self.value(argument, path[:-1], depth + 1)
        declared = (self.modules.get(path) or {}).get("variables") or {}
        spec = declared.get(name)
        if isinstance(spec, dict):
            return spec.get("default")
        return None

    def place(
        self,
        module_address: str | None,
        rtype: str,
        name: str,
        mode: str,
        provider_name: Any,
        address: str,
        path: Path,
    ) -> tuple[str, str | None, dict[str, str]]:
        """Provider type, region and default tags of a resource: the same for every instance
        of it (a ``count`` of 4,000 is worked out once)."""
        key = (module_address, rtype, name, mode, provider_name)
        found = self.placed.get(key) if isinstance(provider_name, str) else None
        if found is None:
            from aicost.sources.tfplan_fast import UNSET

            if provider_name is UNSET:  # a typed entry without one; the full reader's default
                provider_name = rtype.split("_", 1)[0]
            provider = provider_type(plancheck.provider_name(provider_name, address, path))
            relative = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
            config = self.resources.get((module_path(module_address), relative)) or {}
            config_key = config.get("provider_config_key")
            found = (
                provider,
                *self.provider(config_key if isinstance(config_key, str) else None, provider),
            )
            self.placed[key] = found
        return found

    def provider(self, key: str | None, fallback: str) -> tuple[str | None, dict[str, str]]:
        """Region and default tags of the provider configuration *key*."""
        key = key or fallback
        cached = self._provider_cache.get(key)
        if cached is not None:
            return cached
        entry = self.providers.get(key)
        if entry is None and ":" in key:
            entry = self.providers.get(key.rsplit(":", 1)[1])
        if entry is None:
            entry = self.providers.get(fallback)
        region: str | None = None
        tags: dict[str, str] = {}
        if isinstance(entry, dict):
            where = module_path(entry.get("module_address"))
            expressions = entry.get("expressions") or {}
            for attribute in ("region", "location"):
                value = self.value(expressions.get(attribute), where)
                if isinstance(value, str) and value:
                    region = value
                    break
            blocks = expressions.get("default_tags")
            if isinstance(blocks, list):
                for block in blocks:
                    if isinstance(block, dict):
                        value = self.value(block.get("tags"), where)
                        if isinstance(value, dict):
                            tags.update({str(k): str(v) for k, v in value.items() if v is not None})
            labels = self.value(expressions.get("default_labels"), where)
            if isinstance(labels, dict):
                tags.update({str(k): str(v) for k, v in labels.items() if v is not None})
        result = (region, tags)
        self._provider_cache[key] = result
        return result


@functools.lru_cache(maxsize=256)
def provider_type(provider_name: str) -> str:
    """``registry.terraform.io/hashicorp/aws`` (or OpenTofu's host, or ``aws``) -> ``aws``."""
    name = provider_name.strip()
    if name.startswith("provider["):
        name = name[len("provider[") :].rstrip("]").strip('"')
    name = name.rsplit("/", 1)[-1]
    name = name.removeprefix("provider.")
    return name.split(".", 1)[0]


def _build(plan: Mapping[str, Any], path: Path, *, typed: bool = False) -> PlanInventory:
    """The inventory of a checked plan; *typed*: its entries are :class:`tfplan_fast.Entry`."""
    resolver = _Resolver(plan)
    source_path = str(path)
    source = SourceRef(path=source_path, kind=KIND)
    entries = plan.get("resource_changes", [])
    if typed:
        changes = _typed_changes(entries, resolver, source, path)
    else:
        changes = []
        for position, entry in enumerate(entries):
            plancheck.entry(entry, position, path)
            change = _change(entry, resolver, source, source_path, path)
            if change is not None:
                changes.append(change)
    warnings = _deferred(plan, resolver, source, path, changes)
    return PlanInventory(
        path=source_path, kind=KIND, changes=changes, warnings=warnings, _config=resolver.resources
    )


def _deferred(
    plan: Mapping[str, Any],
    resolver: _Resolver,
    source: SourceRef,
    path: Path,
    changes: list[ResourceChange],
) -> list[str]:
    """Add the plan's ``deferred_changes`` to *changes*; the warnings they need."""
    deferred = plan.get("deferred_changes")
    if deferred is not None and not isinstance(deferred, list):
        raise InputError("deferred_changes is not a list", path=path)
    for position, item in enumerate(deferred or ()):
        # Terraform could not plan these yet (an unknown count or for_each, a provider
        # configured from unknowns): each is one workload with its count unknown, never none.
        if not isinstance(item, dict) or not isinstance(item.get("resource_change"), dict):
            raise InputError(f"deferred_changes[{position}] has no resource_change", path=path)
        entry = item["resource_change"]
        plancheck.entry(entry, position, path)
        change = _change(entry, resolver, source, source.path, path)
        if change is None or change.after is None:
            continue
        reason = str(item.get("reason") or "deferred")
        after_unknown = dict(change.after_unknown)
        after_unknown[COUNT_UNKNOWN_KEY] = True
        after_unknown[COUNT_REASON_KEY] = (
            f"count unknown: Terraform deferred this change ({reason})"
        )
        changes.append(dataclasses.replace(change, after_unknown=after_unknown))
    if not deferred:
        return []
    return [
        f"{path}: {len(deferred)} changes were deferred by Terraform: each is listed "
        "with its count unknown and is not priced"
    ]


def _typed_changes(
    entries: list[tfplan_fast.Pair], resolver: _Resolver, source: SourceRef, path: Path
) -> list[ResourceChange]:
    """Resource changes from entries whose types msgspec checked while decoding: only what
    types cannot say is checked here (plancheck.entry names the problem)."""
    from aicost.sources import tfplan_fast

    project = source.path
    placed = resolver.placed
    marks, unset = tfplan_fast.marks, tfplan_fast.UNSET
    unmarked = not tfplan_fast.marked(entries)
    changes: list[ResourceChange] = []
    append = changes.append
    for position, (entry, after_unknown) in enumerate(entries):
        address, rtype, mode = entry.address, entry.type, entry.mode
        change, name = entry.change, entry.name
        actions = change.actions
        if (
            not address
            or not rtype
            or not actions
            or (change.after is None and mode == "managed" and "create" in actions)
            or (change.before is None and actions == ("delete",))
        ):
            _refuse(entry, after_unknown, position, path)
        if name is unset:
            name = address.rsplit(".", 1)[-1].split("[", 1)[0]
        # An unset provider_name stands for the same default in every entry of the key.
        key = (entry.module_address, rtype, name, mode, entry.provider_name)
        found = placed.get(key)
        if found is None:
            found = resolver.place(*key, address, path)
        provider, region, default_tags = found
        before_marks = change.before_sensitive
        # Positional, in ResourceChange's field order (a third faster than keywords; a test
        # holds the order).
        append(
            ResourceChange(
                address,
                rtype,
                name,
                provider,
                _ACTIONS.get(actions) or _action(actions),
                source,
                mode,
                entry.module_address,
                entry.index,
                change.before,
                change.after,
                after_unknown if type(after_unknown) is dict else {},
                None if unmarked or before_marks is unset else marks(before_marks),
                None if unmarked else marks(change.after_sensitive),
                region,
                default_tags,
                actions == _CREATE_BEFORE_DESTROY,
                project,
            )
        )
    return changes


_CREATE_BEFORE_DESTROY = ("create", "delete")


def _refuse(entry: tfplan_fast.Entry, after_unknown: Any, position: int, path: Path) -> NoReturn:
    """Raise the input error plancheck names for an entry that fails its checks."""
    from aicost.sources import tfplan_fast

    plancheck.entry(tfplan_fast.as_json(entry, after_unknown), position, path)
    raise AssertionError(f"resource_changes[{position}] passed the checks it failed")


def _action(actions: tuple[str, ...]) -> Action:
    action = _ACTIONS.get(actions)
    if action is None:
        action = Action.DELETE if "delete" in actions else Action.UPDATE
    return action


def _change(
    entry: Any, resolver: _Resolver, source: SourceRef, project: str, path: Path
) -> ResourceChange | None:
    if not isinstance(entry, dict):
        return None
    address = entry.get("address")
    rtype = entry.get("type")
    change = entry.get("change")
    if not isinstance(address, str) or not isinstance(rtype, str) or not isinstance(change, dict):
        return None
    raw_actions = change.get("actions")
    if not isinstance(raw_actions, list):
        return None
    actions = tuple(str(a) for a in raw_actions)
    mode = str(entry.get("mode", "managed"))
    module_address = entry.get("module_address")
    if not isinstance(module_address, str):
        module_address = None
    name = str(entry.get("name", address.rsplit(".", 1)[-1].split("[", 1)[0]))
    provider, region, default_tags = resolver.place(
        module_address,
        rtype,
        name,
        mode,
        entry.get("provider_name", rtype.split("_", 1)[0]),
        address,
        path,
    )
    before = change.get("before")
    after = change.get("after")
    after_unknown = change.get("after_unknown")
    return ResourceChange(
        address=address,
        type=rtype,
        name=name,
        provider=provider,
        action=_action(actions),
        source=source,
        mode=mode,
        module_address=module_address,
        index=entry.get("index"),
        before=before if isinstance(before, dict) else None,
        after=after if isinstance(after, dict) else None,
        after_unknown=after_unknown if isinstance(after_unknown, dict) else {},
        before_sensitive=change.get("before_sensitive"),
        after_sensitive=change.get("after_sensitive"),
        region=region,
        default_tags=default_tags,
        create_before_destroy=actions == ("create", "delete"),
        project=project,
    )


__all__ = ["KIND", "PlanInventory", "module_path", "provider_type", "read", "sniff"]
