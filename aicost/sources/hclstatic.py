"""Static mode's engine: load module directories, evaluate them, build resource changes.

See :mod:`aicost.sources.hcl` for what static mode reads; this module does the work and is
imported only when an input is Terraform configuration (it pulls in python-hcl2 and lark).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.core.errors import InputError
from aicost.core.model import Action, ResourceChange, SourceRef
from aicost.sources.base import MAX_INPUT_BYTES, Inventory, decode
from aicost.sources.counts import COUNT_REASON_KEY, COUNT_UNKNOWN_KEY, UNREAD_MODULE_TYPE
from aicost.sources.hcleval import (
    MAX_VALUE_SIZE,
    UNKNOWN,
    EvalError,
    InvalidArgument,
    Scope,
    TooLarge,
    deep_unmark,
    evaluate,
    iterate,
    mark,
    name_of,
    references,
    reset_work,
    size_over,
    subtrees,
    to_bool,
    to_number,
    to_plain,
    to_string,
    traversal,
    unmark,
)
from aicost.sources.hclfiles import (
    KIND,
    VARS_SUFFIXES,
    config_dirs,
    config_files,
    display,
)
from aicost.sources.hcloptions import SKIP_UNPARSABLE
from aicost.sources.hclparse import parse
from aicost.sources.tfplan import PlanInventory

if TYPE_CHECKING:
    from lark import Tree

#: At most this many instances of one resource or module call are expanded.
MAX_INSTANCES = 10_000
#: Module nesting deeper than this is treated as a cycle.
MAX_MODULE_DEPTH = 24
#: At most this many resource and module instances in one root module, all told.
MAX_TOTAL_INSTANCES = 50_000
#: The expansion kind of a resource or module call whose count or for_each is unknown.
UNKNOWN_COUNT = "unknown"
#: Meta-arguments that are not resource attributes.
_META = frozenset(
    {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
)
_MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
#: Attributes a provider computes when the configuration leaves them out (unknown in a plan).
COMPUTED_WHEN_UNSET: Mapping[str, tuple[str, ...]] = {
    "aws_eks_node_group": ("instance_types",),
    "aws_autoscaling_group": ("desired_capacity",),
}

_LOCAL_SOURCE = re.compile(r"""\bsource\s*=\s*"(\.\.?/[^"]*)\"""")


# --------------------------------------------------------------------------- paths


@dataclass
class Root:
    directory: Path
    var_files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Roots:
    """Which root modules a list of inputs names."""

    def __init__(self) -> None:
        self._callers: dict[Path, set[Path]] | None = None

    def plan(self, paths: Sequence[Path]) -> list[Root]:
        roots: dict[Path, Root] = {}

        def add(directory: Path, note: str | None = None) -> Root:
            key = directory.resolve()
            root = roots.get(key)
            if root is None:
                root = roots[key] = Root(directory)
            if note and note not in root.notes:
                root.notes.append(note)
            return root

        for path in paths:
            if path.is_dir():
                if config_files(path):
                    add(path)
                    continue
                candidates = list(config_dirs(path))
                if not candidates:
                    raise InputError(
                        "no Terraform configuration (.tf or .tofu files) in this directory",
                        path=path,
                    )
                called = {t for d in candidates for t in self._local_targets(d)}
                for directory in candidates:
                    if directory.resolve() not in called:
                        add(directory)
                continue
            if not path.exists():
                raise InputError("no such file", path=path)
            directory = path.parent
            if path.name.endswith(VARS_SUFFIXES):
                root = add(directory)
                if path not in root.var_files:
                    root.var_files.append(path)
                continue
            callers = self._roots_calling(directory)
            if callers:
                for caller in callers:
                    add(
                        caller,
                        f"{display(directory)} is a module; checked through the root module "
                        f"{display(caller)} that calls it",
                    )
            else:
                add(directory)
        return list(roots.values())

    def _local_targets(self, directory: Path) -> set[Path]:
        targets = set()
        for file in config_files(directory):
            try:
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for match in _LOCAL_SOURCE.finditer(text):
                targets.add((directory / match.group(1)).resolve())
        return targets

    def _roots_calling(self, directory: Path) -> list[Path]:
        """Root modules under the working directory that call *directory* as a module."""
        try:
            base = Path.cwd().resolve()
            target = directory.resolve()
            target.relative_to(base)
        except (ValueError, OSError):
            return []
        if self._callers is None:
            self._callers = {}
            for found in config_dirs(base):
                for callee in self._local_targets(found):
                    self._callers.setdefault(callee, set()).add(found.resolve())
        if target not in self._callers:
            return []
        roots: list[Path] = []
        seen = {target}
        pending = [target]
        while pending:
            current = pending.pop()
            callers = self._callers.get(current, set())
            if not callers and current != target:
                roots.append(current)
            for caller in sorted(callers):
                if caller not in seen:
                    seen.add(caller)
                    pending.append(caller)
        return [Path(os.path.relpath(r)) if _inside_cwd(r) else r for r in sorted(roots)]


def _inside_cwd(path: Path) -> bool:
    try:
        path.relative_to(Path.cwd().resolve())
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- configuration


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Tree[Any]
    file: str
    line: int | None

    def attributes(self) -> dict[str, Any]:
        return attributes(self.body)

    def blocks(self, kind: str | None = None) -> list[Block]:
        return [b for b in blocks(self.body, self.file) if kind is None or b.type == kind]


def attributes(body: Tree[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for node in subtrees(body):
        if node.data == "attribute":
            parts = subtrees(node)
            found[name_of(parts[0])] = parts[-1]
    return found


def blocks(body: Tree[Any], file: str) -> list[Block]:
    found: list[Block] = []
    for node in subtrees(body):
        if node.data != "block":
            continue
        parts = subtrees(node)
        inner = parts[-1]
        try:
            labels = [name_of(p) for p in parts[1:-1]]
            kind = name_of(parts[0])
        except EvalError:
            continue
        line = getattr(node.meta, "line", None) if not node.meta.empty else None
        found.append(Block(kind, labels, inner, file, line))
    return found


@dataclass
class ModuleConfig:
    """The blocks of one module directory."""

    directory: Path
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[Any, str]] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    resources: dict[tuple[str, str, str], Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    provider_sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Loader:
    """Parses module directories once each."""

    def __init__(self) -> None:
        self.modules: dict[Path, ModuleConfig] = {}

    def module(self, directory: Path) -> ModuleConfig:
        key = directory.resolve()
        cached = self.modules.get(key)
        if cached is None:
            cached = self.modules[key] = self._load(directory)
        return cached

    def _load(self, directory: Path) -> ModuleConfig:
        config = ModuleConfig(directory)
        for file in config_files(directory):
            shown = display(file)
            stem = file.name.rsplit(".", 1)[0]
            if stem == "override" or stem.endswith("_override"):
                config.warnings.append(
                    f"{shown}: override files are not merged in static mode; skipped"
                )
                continue
            try:
                text = _read(file)
                tree = parse(text, shown)
            except InputError as exc:
                if not SKIP_UNPARSABLE.get():
                    # terraform plan refuses a configuration with a file it cannot parse
                    raise InputError(
                        f"{exc.message} (terraform would refuse the configuration; "
                        "--skip-unparsable checks the rest)",
                        path=exc.path,
                        line=exc.line,
                        column=exc.column,
                    ) from None
                config.warnings.append(f"{exc}; the file is skipped (--skip-unparsable)")
                continue
            self._index(config, tree.children[0], shown)
        skipped = sorted(p.name for p in directory.glob("*.tf.json"))
        if skipped:
            config.warnings.append(
                f"{display(directory)}: JSON configuration ({', '.join(skipped)}) is not read "
                "in static mode; use a plan for it"
            )
        return config

    def _index(self, config: ModuleConfig, body: Tree[Any], file: str) -> None:
        for block in blocks(body, file):
            labels = block.labels
            if block.type == "variable" and labels:
                config.variables[labels[0]] = block
            elif block.type == "locals":
                for name, expression in block.attributes().items():
                    config.locals[name] = (expression, file)
            elif block.type == "output" and labels:
                config.outputs[labels[0]] = block
            elif block.type == "provider" and labels:
                config.providers.append(block)
            elif block.type == "resource" and len(labels) >= 2:
                config.resources[("managed", labels[0], labels[1])] = block
            elif block.type == "data" and len(labels) >= 2:
                config.resources[("data", labels[0], labels[1])] = block
            elif block.type == "module" and labels:
                config.calls[labels[0]] = block
            elif block.type == "terraform":
                for required in block.blocks("required_providers"):
                    for local_name, expression in required.attributes().items():
                        config.provider_sources[local_name] = _provider_source(expression)


def _provider_source(expression: Any) -> str:
    try:
        value = evaluate(expression, Scope(_NO_NAMES))
    except EvalError:
        return ""
    if isinstance(value, dict) and isinstance(value.get("source"), str):
        return str(value["source"])
    return "" if value is UNKNOWN else str(value) if isinstance(value, str) else ""


def _read(file: Path) -> str:
    try:
        size = file.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"file is {size} bytes, over the limit", path=display(file))
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=display(file)) from None
    if not data.strip():
        return ""
    return decode(data, display(file))


class _NoNames:
    """The context of a variable default or a .tfvars value: no references allowed."""

    def _refuse(self, *args: Any) -> Any:
        raise EvalError("references are not allowed here")

    variable = local = module = path = _refuse

    def resource(self, mode: str, rtype: str, name: str) -> Any:
        return self._refuse()


_NO_NAMES = _NoNames()


# --------------------------------------------------------------------------- evaluation


_IN_PROGRESS = object()


@dataclass
class Provider:
    region: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    local_name: str = ""


class ModuleInstance:
    """One instance of a module (the root, or ``module.a["x"]``): the names it defines."""

    def __init__(
        self,
        builder: _Builder,
        config: ModuleConfig,
        *,
        address: str,
        call_path: tuple[str, ...],
        parent: ModuleInstance | None = None,
        arguments: Mapping[str, Any] | None = None,
        call_scope: Scope | None = None,
        values: Mapping[str, Any] | None = None,
        depth: int = 0,
    ) -> None:
        self.builder = builder
        self.config = config
        self.address = address
        self.call_path = call_path
        self.parent = parent
        self.arguments = arguments or {}
        self.call_scope = call_scope
        self.values = values or {}
        self.depth = depth
        #: Why this module instance stands for an unknown number of instances, if it does.
        self.count_unknown: str | None = parent.count_unknown if parent is not None else None
        #: The file of the module block that calls this instance (its arguments are there).
        self.call_file: str | None = None
        self._variables: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._outputs: dict[str, Any] = {}
        self._resources: dict[tuple[str, str, str], Any] = {}
        self._children: dict[str, Any] = {}
        self.providers: dict[str, Provider | _LazyProvider] = {}

    # Context protocol ---------------------------------------------------------------

    def variable(self, name: str) -> Any:
        cached = self._variables.get(name)
        if cached is _IN_PROGRESS:
            raise EvalError(f"var.{name} refers to itself")
        if cached is not None or name in self._variables:
            return cached
        block = self.config.variables.get(name)
        if block is None:
            self.builder.undeclared.setdefault(display(self.config.directory), set()).add(name)
            raise EvalError(f"no variable {name!r}")
        self._variables[name] = _IN_PROGRESS
        attrs = block.attributes()
        value: Any = UNKNOWN
        if name in self.arguments and self.call_scope is not None:
            value = self.builder.safe(self.arguments[name], self.call_scope, self.call_file)
        elif name in self.values:
            value = self.values[name]
        elif "default" in attrs:
            value = self.builder.safe(attrs["default"], _constant_scope(), block.file)
        elif self.parent is None:
            self.builder.missing_variable(name, block)
        value = _convert(value, attrs.get("type"))
        if _flag(attrs.get("sensitive")):
            value = mark(value, True)
        self._variables[name] = value
        return value

    def local(self, name: str) -> Any:
        cached = self._locals.get(name)
        if cached is _IN_PROGRESS:
            raise EvalError(f"local.{name} refers to itself")
        if name in self._locals:
            return cached
        entry = self.config.locals.get(name)
        if entry is None:
            raise EvalError(f"no local {name!r}")
        self._locals[name] = _IN_PROGRESS
        value = self.builder.safe(entry[0], self.scope(), entry[1])
        self._locals[name] = value
        return value

    def resource(self, mode: str, rtype: str, name: str) -> Any:
        key = (mode, rtype, name)
        if key in self._resources:
            return self._resources[key]
        block = self.config.resources.get(key)
        if block is None:
            raise EvalError(f"no resource {rtype}.{name}")
        if mode == "data":
            value: Any = UNKNOWN  # data sources are read by Terraform
        else:
            value = self._resource_value(block)
        self._resources[key] = value
        return value

    def _resource_value(self, block: Block) -> Any:
        expansion = self.builder.expand(block, self.scope())
        if expansion is None:
            return UNKNOWN
        kind, instances = expansion
        if kind == UNKNOWN_COUNT:
            return UNKNOWN
        objects = {key: _ResourceObject(self.builder, block, scope) for key, scope in instances}
        if kind == "single":
            return objects[None]
        if kind == "count":
            return [objects[i] for i in sorted(objects)]
        return dict(objects)

    def module(self, name: str) -> Any:
        if name in self._children:
            return self._children[name]
        if name not in self.config.calls:
            raise EvalError(f"no module {name!r}")
        instances = self.builder.child_instances(self, name)
        value: Any
        if instances is None:
            value = UNKNOWN
        else:
            kind, children = instances
            objects = {key: _ModuleObject(child) for key, child in children}
            if kind == UNKNOWN_COUNT:
                value = UNKNOWN
            elif kind == "single":
                value = objects[None]
            elif kind == "count":
                value = [objects[i] for i in sorted(objects)]
            else:
                value = dict(objects)
        self._children[name] = value
        return value

    def path(self, name: str) -> Any:
        if name == "module":
            return display(self.config.directory)
        if name == "root":
            return display(self.builder.root.directory)
        if name == "cwd":
            return "."

        raise EvalError(f"path.{name}")

    # -------------------------------------------------------------------------------

    def scope(self) -> Scope:
        return Scope(self)

    def output(self, name: str) -> Any:
        if name in self._outputs:
            cached = self._outputs[name]
            if cached is _IN_PROGRESS:
                raise EvalError(f"output {name} refers to itself")
            return cached
        block = self.config.outputs.get(name)
        if block is None:
            raise EvalError(f"no output {name!r}")
        self._outputs[name] = _IN_PROGRESS
        attrs = block.attributes()
        value = self.builder.safe(attrs["value"], self.scope()) if "value" in attrs else UNKNOWN
        value = mark(value, _flag(attrs.get("sensitive")))
        self._outputs[name] = value
        return value

    def provider(self, key: str) -> Provider:
        entry = self.providers.get(key)
        if entry is None and "." in key:
            entry = None
        if entry is None:
            return Provider(local_name=key.split(".", 1)[0])
        if isinstance(entry, _LazyProvider):
            resolved = entry.resolve()
            self.providers[key] = resolved
            return resolved
        return entry


class _LazyProvider:
    def __init__(self, builder: _Builder, block: Block, instance: ModuleInstance) -> None:
        self.builder = builder
        self.block = block
        self.instance = instance
        self._resolved: Provider | None = None

    def resolve(self) -> Provider:
        if self._resolved is None:
            self._resolved = self.builder.provider_config(self.block, self.instance)
        return self._resolved


class _ResourceObject:
    """A resource instance as other expressions see it: set attributes are known."""

    def __init__(self, builder: _Builder, block: Block, scope: Scope) -> None:
        self.builder = builder
        self.block = block
        self.scope = scope
        self._cache: dict[str, Any] = {}

    def attribute(self, name: str) -> Any:
        if name in self._cache:
            cached = self._cache[name]
            if cached is _IN_PROGRESS:
                raise EvalError(f"{self.block.labels} refers to itself")
            return cached
        self._cache[name] = _IN_PROGRESS
        attrs = self.block.attributes()
        value: Any
        if name in attrs and name not in _META:
            value = self.builder.safe(attrs[name], self.scope)
        elif any(b.type == name for b in self.block.blocks()) or any(
            b.type == "dynamic" and b.labels[:1] == [name] for b in self.block.blocks()
        ):
            value = self.builder.body_value(self.block.body, self.scope, only=name).get(
                name, UNKNOWN
            )
        else:
            value = UNKNOWN  # computed by the provider
        self._cache[name] = value
        return value


class _ModuleObject:
    def __init__(self, instance: ModuleInstance) -> None:
        self.instance = instance

    def attribute(self, name: str) -> Any:
        return self.instance.output(name)


def _constant_scope() -> Scope:
    return Scope(_NO_NAMES)


def _flag(expression: Any) -> bool:
    if expression is None:
        return False
    try:
        return evaluate(expression, _constant_scope()) is True
    except EvalError:
        return False


def _convert(value: Any, type_expression: Any) -> Any:
    """Variables declared ``number``/``bool``/``string`` convert their value like Terraform."""

    if type_expression is None:
        return value
    found = traversal(type_expression)
    if found is None or found[1]:
        return value
    raw, sensitive = unmark(value)
    converters = {"number": to_number, "bool": to_bool, "string": to_string}
    converter = converters.get(found[0])
    if converter is None or raw is None or isinstance(raw, list | dict):
        return value
    try:
        return mark(converter(raw), sensitive)
    except EvalError:
        return value


class _Builder:
    """Evaluates one root module and its modules into resource changes."""

    def __init__(self, loader: _Loader, root: Root) -> None:
        self.loader = loader
        self.root = root
        self.project = display(root.directory)
        self.warnings: list[str] = []
        self.changes: list[ResourceChange] = []
        self.config: dict[tuple[tuple[str, ...], str], Mapping[str, Any]] = {}
        self._missing: set[str] = set()
        self._warned: set[str] = set()
        #: The file of the block being evaluated (for errors), and how deep safe() nests.
        self.current_file = ""
        self._nesting = 0
        #: id(block) -> why its count or for_each is unknown (for UNKNOWN_COUNT expansions).
        self.count_reasons: dict[int, str] = {}
        #: id(module block) -> (its source, why aicost could not read it).
        self.unread: dict[int, tuple[str | None, str]] = {}
        #: Resource and module instances expanded so far (capped at MAX_TOTAL_INSTANCES).
        self.total_instances = 0
        #: Module directory -> variables used there but not declared.
        self.undeclared: dict[str, set[str]] = {}

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    def safe(self, node: Any, scope: Scope, file: str | None = None) -> Any:
        """Evaluate; anything Terraform would reject (or aicost cannot follow) is unknown.

        Values over the size caps become unknown with a warning; an argument Terraform
        refuses at plan time (an invalid regular expression) is an input error.
        """

        previous = self.current_file
        if file is not None:
            self.current_file = file
        top = self._nesting == 0
        if top:
            reset_work()
        self._nesting += 1
        try:
            value = evaluate(node, scope)
            if size_over(value):
                raise TooLarge(f"a value over {MAX_VALUE_SIZE:,} characters and items")
            return value
        except TooLarge as exc:
            line = getattr(getattr(node, "meta", None), "line", None)
            where = f"{self.current_file}:{line}" if line else self.current_file
            self.warn(f"{where}: {exc}; treated as unknown (aicost's cap on static evaluation)")
            return UNKNOWN
        except (EvalError, RecursionError):
            return UNKNOWN
        except InvalidArgument as exc:
            raise InputError(
                f"{exc.message} (terraform would refuse it)",
                path=self.current_file or self.project,
                line=exc.line,
            ) from None
        except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            if os.environ.get("AICOST_DEBUG"):
                raise
            return UNKNOWN
        finally:
            self._nesting -= 1
            self.current_file = previous

    # ------------------------------------------------------------------------- build

    def build(self) -> PlanInventory:
        config = self.loader.module(self.root.directory)
        values = self._tfvars(config)
        root = ModuleInstance(self, config, address="", call_path=(), values=values)
        self._providers(root, None, None)
        self.warnings.extend(self.root.notes)
        self._walk(root)
        for directory, names in sorted(self.undeclared.items()):
            listed = ", ".join(sorted(names)[:8]) + (", ..." if len(names) > 8 else "")
            self.warn(
                f"{directory}: {len(names)} variable{'s are' if len(names) != 1 else ' is'} "
                f"used but not declared ({listed}); what depends on them is unknown"
            )
        for module in self.loader.modules.values():
            for warning in module.warnings:
                self.warn(warning)
        return StaticInventory(
            path=self.project,
            kind=KIND,
            changes=self.changes,
            warnings=self.warnings,
            _config=self.config,
        )

    def _walk(self, instance: ModuleInstance) -> None:
        for (mode, _type, _name), block in instance.config.resources.items():
            if mode != "managed":
                continue
            self._expressions(instance, block)
            self.current_file = block.file
            expansion = self.expand(block, instance.scope())
            if expansion is None:
                continue
            kind, instances = expansion
            reason = self.count_reasons.get(id(block)) if kind == UNKNOWN_COUNT else None
            for key, scope in instances:
                self.current_file = block.file
                self.changes.append(
                    self._change(instance, block, key, scope, reason or instance.count_unknown)
                )
        for name in instance.config.calls:
            found = self.child_instances(instance, name)
            if found is None:
                self._unread_calls(instance, name)
                continue
            for _key, child in found[1]:
                self._walk(child)

    def _unread_calls(self, instance: ModuleInstance, name: str) -> None:
        """A module call whose files aicost cannot read: one change of the pseudo type
        ``module`` per instance (none for ``count = 0``), so that what it deploys is listed
        as unknown, never left out."""
        expansion = instance.__dict__.get("_unread", {}).get(name)
        if expansion is None:
            return
        block = instance.config.calls[name]
        kind, instances = expansion  # as child_instances expanded it, once
        reason = self.count_reasons.get(id(block)) if kind == UNKNOWN_COUNT else None
        for key, _scope in instances:
            self.changes.append(
                self._unread_module(instance, name, block, key, reason or instance.count_unknown)
            )

    def _unread_module(
        self,
        instance: ModuleInstance,
        name: str,
        block: Block,
        key: Any,
        count_unknown: str | None,
    ) -> ResourceChange:
        source, reason = self.unread[id(block)]
        version_node = block.attributes().get("version")
        try:
            version = evaluate(version_node, _constant_scope()) if version_node else None
        except EvalError:
            version = None
        after: dict[str, Any] = {"source": source, "reason": reason}
        if isinstance(version, str):
            after["version"] = version
        address = f"module.{name}{_key_suffix(key)}"
        if instance.address:
            address = f"{instance.address}.{address}"
        unknown: dict[str, Any] = {}
        if count_unknown is not None:
            unknown = {COUNT_UNKNOWN_KEY: True, COUNT_REASON_KEY: count_unknown}
        return ResourceChange(
            address=address,
            type=UNREAD_MODULE_TYPE,
            name=name,
            provider=UNREAD_MODULE_TYPE,
            action=Action.CREATE,
            source=SourceRef(path=block.file, kind=KIND, line=block.line),
            mode="managed",
            module_address=instance.address or None,
            index=key,
            after=after,
            after_unknown=unknown,
            after_sensitive={},
            project=self.project,
        )

    def _change(
        self,
        instance: ModuleInstance,
        block: Block,
        key: Any,
        scope: Scope,
        count_unknown: str | None = None,
    ) -> ResourceChange:

        rtype, name = block.labels[0], block.labels[1]
        value = self.body_value(block.body, scope)
        after, unknown, sensitive = to_plain(value)
        after_unknown = unknown if isinstance(unknown, dict) else {}
        for attribute in COMPUTED_WHEN_UNSET.get(rtype, ()):
            if attribute not in after and attribute not in after_unknown:
                after_unknown[attribute] = True
        if count_unknown is not None:
            # One workload stands for an unknown number of instances (never zero).
            after_unknown[COUNT_UNKNOWN_KEY] = True
            after_unknown[COUNT_REASON_KEY] = count_unknown
        provider = self._resource_provider(instance, block, scope)
        address = f"{rtype}.{name}{_key_suffix(key)}"
        if instance.address:
            address = f"{instance.address}.{address}"
        return ResourceChange(
            address=address,
            type=rtype,
            name=name,
            provider=_provider_type(provider.local_name or rtype.split("_", 1)[0], instance),
            action=Action.CREATE,
            source=SourceRef(path=block.file, kind=KIND, line=block.line),
            mode="managed",
            module_address=instance.address or None,
            index=key,
            before=None,
            after=after if isinstance(after, dict) else {},
            after_unknown=after_unknown,
            before_sensitive=None,
            after_sensitive=sensitive if isinstance(sensitive, dict) else {},
            region=provider.region,
            default_tags=provider.tags,
            project=self.project,
        )

    def _expressions(self, instance: ModuleInstance, block: Block) -> None:
        key = (instance.call_path, f"{block.labels[0]}.{block.labels[1]}")
        if key not in self.config:
            self.config[key] = {"expressions": _expression_refs(block.body, block.file)}

    # ------------------------------------------------------------------------- values

    def body_value(
        self, body: Tree[Any], scope: Scope, only: str | None = None, *, top: bool = True
    ) -> dict[str, Any]:
        """A block body as plan JSON shows it: attributes, and nested blocks as lists.

        Meta-arguments (``count``, ``lifecycle``...) are skipped only at the top level of a
        resource: inside a nested block, ``count`` is an ordinary attribute (a GCP
        ``guest_accelerator { count = 4 }``).
        """

        file = ""
        meta = _META if top else frozenset()
        value: dict[str, Any] = {}
        for name, expression in attributes(body).items():
            if name in meta or (only is not None and name != only):
                continue
            value[name] = self.safe(expression, scope)
        for block in blocks(body, file):
            if block.type in meta:
                continue
            if block.type == "dynamic":
                self._dynamic(block, scope, value, only)
                continue
            if only is not None and block.type != only:
                continue
            current = value.setdefault(block.type, [])
            if current is UNKNOWN:
                continue
            current.append(self.body_value(block.body, scope, top=False))
        return value

    def _dynamic(self, block: Block, scope: Scope, value: dict[str, Any], only: str | None) -> None:
        """A ``dynamic`` block: its ``content`` once per ``for_each`` item, into *value*."""
        if not block.labels or (only is not None and block.labels[0] != only):
            return
        label = block.labels[0]
        current = value.setdefault(label, [])
        if current is UNKNOWN:
            return
        attrs = block.attributes()
        iterator = label
        if "iterator" in attrs:
            found = traversal(attrs["iterator"])
            if found is not None:
                iterator = found[0]
        collection, _ = unmark(self.safe(attrs.get("for_each"), scope))
        contents = block.blocks("content")
        if collection is UNKNOWN or not contents:
            value[label] = UNKNOWN
            return
        try:
            pairs = list(iterate(collection))
        except Exception:
            value[label] = UNKNOWN
            return
        for item_key, item_value in pairs[:MAX_INSTANCES]:
            inner = scope.child(**{iterator: {"key": item_key, "value": item_value}})
            current.append(self.body_value(contents[0].body, inner, top=False))

    def expand(self, block: Block, scope: Scope) -> tuple[str, list[tuple[Any, Scope]]] | None:
        """The instances of a resource or module call: (kind, [(key, scope)]).

        A ``count`` or ``for_each`` that cannot be known gives one instance of kind
        :data:`UNKNOWN_COUNT` (its reason in :attr:`count_reasons`): one workload with the
        count unknown, never zero. A count Terraform would refuse (negative, fractional,
        not a number) is an input error.
        """

        attrs = block.attributes()
        what = " ".join([block.type, *block.labels[:2]])
        where = f"{block.file}:{block.line}" if block.line else block.file
        refs = ", ".join(references(attrs.get("count") or attrs.get("for_each"))[:3])
        origin = f" (from {refs})" if refs else ""
        reason: str | None = None
        result: tuple[str, list[tuple[Any, Scope]]] | None = None
        if "count" in attrs:
            reason, result = self._by_count(attrs["count"], scope, block, what, origin)
        elif "for_each" in attrs:
            reason, result = self._by_for_each(attrs["for_each"], scope, origin)
        else:
            result = "single", [(None, Scope(scope.context, None, None, dict(scope.names)))]
        if result is not None:
            self.total_instances += len(result[1])
            if self.total_instances > MAX_TOTAL_INSTANCES:
                raise InputError(
                    f"{what}: more than {MAX_TOTAL_INSTANCES:,} resource and module instances "
                    "in one configuration; aicost stops here (check a plan instead)",
                    path=block.file,
                    line=block.line,
                )
            return result
        assert reason is not None
        self.warn(
            f"{where}: {what}: {reason}; listed as one workload with the count unknown "
            "(give its variables a default or a .tfvars value, or check a plan)"
        )
        self.count_reasons[id(block)] = reason
        self.total_instances += 1
        return UNKNOWN_COUNT, [(None, Scope(scope.context, None, None, dict(scope.names)))]

    def _by_count(
        self, expression: Any, scope: Scope, block: Block, what: str, origin: str
    ) -> tuple[str | None, tuple[str, list[tuple[Any, Scope]]] | None]:
        """(why it is unknown, or the instances) of a ``count``."""
        count, _ = deep_unmark(self.safe(expression, scope))
        if count is UNKNOWN:
            return f"count unknown{origin}: its value needs Terraform", None
        number = self._count_number(count, block, what)
        if number > MAX_INSTANCES:
            return f"count {number} is over aicost's cap of {MAX_INSTANCES:,} instances", None
        return None, (
            "count",
            [(i, Scope(scope.context, i, None, dict(scope.names))) for i in range(number)],
        )

    def _by_for_each(
        self, expression: Any, scope: Scope, origin: str
    ) -> tuple[str | None, tuple[str, list[tuple[Any, Scope]]] | None]:
        """(why it is unknown, or the instances) of a ``for_each``."""
        collection, _ = deep_unmark(self.safe(expression, scope))
        pairs: list[tuple[Any, Any]] | None = None
        if isinstance(collection, dict):
            pairs = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list) and all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in collection
        ):
            keys = sorted({to_string(v) for v in collection})
            pairs = [(k, k) for k in keys]
        if pairs is None:
            return f"for_each unknown{origin}: its value needs Terraform", None
        if len(pairs) > MAX_INSTANCES:
            return (
                f"for_each has {len(pairs):,} keys, over aicost's cap of "
                f"{MAX_INSTANCES:,} instances"
            ), None
        return None, (
            "for_each",
            [(k, Scope(scope.context, None, (k, v), dict(scope.names))) for k, v in pairs],
        )

    def _count_number(self, count: Any, block: Block, what: str) -> int:
        """A known ``count`` as Terraform checks it: a whole number, not negative."""
        try:
            number = to_number(count)
        except EvalError:
            number = None
        if number is None or isinstance(number, bool):
            raise InputError(
                f"{what}: count must be a whole number, got {_shown(count)}",
                path=block.file,
                line=block.line,
            )
        try:
            whole = number == int(number)
        except (OverflowError, ValueError):
            whole = False
        if not whole:
            raise InputError(
                f"{what}: count must be a whole number, got {_shown(count)}",
                path=block.file,
                line=block.line,
            )
        if number < 0:
            raise InputError(
                f"{what}: count must not be negative, got {_shown(count)}",
                path=block.file,
                line=block.line,
            )
        return int(number)

    # ------------------------------------------------------------------------- modules

    def child_instances(
        self, parent: ModuleInstance, name: str
    ) -> tuple[str, list[tuple[Any, ModuleInstance]]] | None:
        cache: dict[str, Any] = parent.__dict__.setdefault("_instances", {})
        if name in cache:
            result: tuple[str, list[tuple[Any, ModuleInstance]]] | None = cache[name]
            return result
        cache[name] = None
        block = parent.config.calls[name]
        expansion = self.expand(block, parent.scope())
        if expansion is None or not expansion[1]:
            return None  # count = 0: nothing to read
        directory = self._module_dir(parent, name, block)
        if directory is None:
            # Not read: its instances are listed as unknown by _unread_calls.
            parent.__dict__.setdefault("_unread", {})[name] = expansion
            return None
        self._refuse_cycle(parent, name, block, directory)
        config = self.loader.module(directory)
        kind, instances = expansion
        arguments = {k: v for k, v in block.attributes().items() if k not in _MODULE_META}
        reason = self.count_reasons.get(id(block)) if kind == UNKNOWN_COUNT else None
        children = []
        for key, scope in instances:
            address = f"module.{name}{_key_suffix(key)}"
            if parent.address:
                address = f"{parent.address}.{address}"
            child = ModuleInstance(
                self,
                config,
                address=address,
                call_path=(*parent.call_path, name),
                parent=parent,
                arguments=arguments,
                call_scope=scope,
                depth=parent.depth + 1,
            )
            child.call_file = block.file
            if reason is not None:
                child.count_unknown = reason
            self._providers(child, parent, block, scope)
            children.append((key, child))
        result = (kind, children)
        cache[name] = result
        return result

    def _refuse_cycle(
        self, parent: ModuleInstance, name: str, block: Block, directory: Path
    ) -> None:
        """Terraform refuses a module that calls itself, directly or through others."""
        target = directory.resolve()
        chain: list[tuple[str, Path]] = []
        node: ModuleInstance | None = parent
        while node is not None:
            label = node.address.rsplit(".", 1)[-1] if node.address else "root"
            chain.append((label if node.address else "root", node.config.directory.resolve()))
            node = node.parent
        chain.reverse()
        for position, (_label, seen) in enumerate(chain):
            if seen == target:
                names = [
                    f"module.{label.split('[', 1)[0]}" if label != "root" else "root"
                    for label, _ in chain[position:]
                ]
                cycle = " -> ".join([*names, f"module.{name}"])
                raise InputError(
                    f"module.{name} calls {display(directory)}, which is already being "
                    f"evaluated: a module cycle ({cycle}); terraform would refuse it",
                    path=block.file,
                    line=block.line,
                )
        if parent.depth >= MAX_MODULE_DEPTH:
            raise InputError(
                f"module.{name}: modules nested more than {MAX_MODULE_DEPTH} deep",
                path=block.file,
                line=block.line,
            )

    def _module_dir(self, parent: ModuleInstance, name: str, block: Block) -> Path | None:
        source_node = block.attributes().get("source")
        try:
            source = evaluate(source_node, _constant_scope()) if source_node else UNKNOWN
        except EvalError:
            source = UNKNOWN
        if not isinstance(source, str):
            self._not_read(block, name, None, "its source is not a literal string")
            return None
        if source.startswith(("./", "../")):
            directory = parent.config.directory / source
            if directory.is_dir():
                return directory
            self._not_read(block, name, source, f"{source} does not exist")
            return None
        downloaded = self._downloaded(parent, name)
        if downloaded is not None:
            return downloaded
        self._not_read(
            block,
            name,
            source,
            f"source {source!r} is not local and not downloaded "
            "(run `terraform init`, or check a plan)",
        )
        return None

    def _not_read(self, block: Block, name: str, source: str | None, reason: str) -> None:
        """Warn about a module call aicost cannot read, and remember it (see _walk)."""
        where = f"{block.file}:{block.line}" if block.line else block.file
        self.warn(f"{where}: module.{name}: {reason}; aicost cannot see what it deploys")
        self.unread[id(block)] = (source, reason)

    def _downloaded(self, parent: ModuleInstance, name: str) -> Path | None:
        manifest = self.root.directory / ".terraform" / "modules" / "modules.json"
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8")).get("Modules", [])
        except (OSError, ValueError, AttributeError):
            return None
        wanted = ".".join((*parent.call_path, name))
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and entry.get("Key") == wanted and entry.get("Dir"):
                directory = self.root.directory / str(entry["Dir"])
                if directory.is_dir():
                    return directory
        return None

    # ------------------------------------------------------------------------- providers

    def _providers(
        self,
        instance: ModuleInstance,
        parent: ModuleInstance | None,
        call: Block | None,
        scope: Scope | None = None,
    ) -> None:

        if parent is not None:
            # Default (un-aliased) configurations are inherited...
            for key, entry in parent.providers.items():
                if "." not in key:
                    instance.providers[key] = entry
            # ...and `providers = { aws = aws.eu }` passes others in.
            mapping = call.attributes().get("providers") if call is not None else None
            if mapping is not None:
                for child_key, parent_key in _provider_map(mapping):
                    instance.providers[child_key] = parent.providers.get(
                        parent_key, Provider(local_name=parent_key.split(".", 1)[0])
                    )
        for block in instance.config.providers:
            alias = block.attributes().get("alias")
            key = block.labels[0]
            if alias is not None:
                found = traversal(alias)
                alias_name = None
                if found is None:
                    try:
                        alias_name = evaluate(alias, _constant_scope())
                    except EvalError:
                        alias_name = None
                if isinstance(alias_name, str):
                    key = f"{key}.{alias_name}"
            instance.providers[key] = _LazyProvider(self, block, instance)

    def provider_config(self, block: Block, instance: ModuleInstance) -> Provider:
        attrs = block.attributes()
        scope = instance.scope()
        region = None
        for name in ("region", "location"):
            if name in attrs:
                value, _ = deep_unmark(self.safe(attrs[name], scope))
                if isinstance(value, str) and value:
                    region = value
                    break
        tags: dict[str, str] = {}
        for default_tags in block.blocks("default_tags"):
            expression = default_tags.attributes().get("tags")
            if expression is not None:
                value, _ = deep_unmark(self.safe(expression, scope))
                if isinstance(value, dict):
                    tags.update({str(k): _tag(v) for k, v in value.items() if _plain(v)})
        if "default_labels" in attrs:
            value, _ = deep_unmark(self.safe(attrs["default_labels"], scope))
            if isinstance(value, dict):
                tags.update({str(k): _tag(v) for k, v in value.items() if _plain(v)})
        return Provider(region=region, tags=tags, local_name=block.labels[0])

    def _resource_provider(self, instance: ModuleInstance, block: Block, scope: Scope) -> Provider:
        expression = block.attributes().get("provider")
        key = block.labels[0].split("_", 1)[0]
        if expression is not None:
            found = traversal(expression)
            if found is not None:
                key = ".".join([found[0], *(str(s) for s in found[1][:1])])
        return instance.provider(key)

    # ------------------------------------------------------------------------- variables

    def _tfvars(self, config: ModuleConfig) -> dict[str, Any]:
        directory = self.root.directory
        files = [
            directory / name
            for name in ("terraform.tfvars", "terraform.tfvars.json")
            if (directory / name).is_file()
        ]
        try:
            auto = sorted(
                p
                for p in directory.iterdir()
                if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))
            )
        except OSError:
            auto = []
        files.extend(auto)
        files.extend(
            f for f in self.root.var_files if f.resolve() not in {x.resolve() for x in files}
        )
        values: dict[str, Any] = {}
        for file in files:
            values.update(self._read_tfvars(file))
        return values

    def _read_tfvars(self, file: Path) -> dict[str, Any]:
        shown = display(file)
        try:
            text = _read(file)
        except InputError as exc:
            self.warn(f"{exc}; the file is skipped")
            return {}
        if file.name.endswith(".json"):
            try:
                data = json.loads(text) if text.strip() else {}
            except ValueError as exc:
                self.warn(f"{shown}: invalid JSON ({exc}); the file is skipped")
                return {}
            return dict(data) if isinstance(data, dict) else {}
        try:
            tree = parse(text, shown)
        except InputError as exc:
            self.warn(f"{exc}; the file is skipped")
            return {}
        return {
            name: self.safe(expression, _constant_scope())
            for name, expression in attributes(tree.children[0]).items()
        }

    def missing_variable(self, name: str, block: Block) -> None:
        if name in self._missing:
            return
        self._missing.add(name)
        where = f"{block.file}:{block.line}" if block.line else block.file
        self.warn(
            f"{where}: variable {name!r} has no default and no value in a .tfvars file; "
            "what depends on it is unknown"
        )


def _provider_map(expression: Any) -> Iterator[tuple[str, str]]:
    node = expression
    while node.data == "expr_term" and len(subtrees(node)) == 1:
        node = subtrees(node)[0]
    if node.data != "object":
        return
    for element in subtrees(node):
        parts = subtrees(element)
        key_node = parts[0]
        if key_node.data == "object_elem_key" and subtrees(key_node):
            key_node = subtrees(key_node)[0]
        key, value = traversal(key_node), traversal(parts[-1])
        if key is None or value is None:
            continue
        yield (
            ".".join([key[0], *(str(s) for s in key[1][:1])]),
            ".".join([value[0], *(str(s) for s in value[1][:1])]),
        )


def _provider_type(local_name: str, instance: ModuleInstance) -> str:
    source = instance.config.provider_sources.get(local_name)
    if source:
        return source.rsplit("/", 1)[-1]
    return local_name


def _key_suffix(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(str(key), ensure_ascii=False)}]"


def _plain(value: Any) -> bool:
    return value is not None and not isinstance(value, dict | list) and value is not UNKNOWN


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _tag(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _expression_refs(body: Tree[Any], file: str) -> dict[str, Any]:
    """The references of every attribute, shaped like a plan's configuration expressions."""

    tree: dict[str, Any] = {}
    for name, expression in attributes(body).items():
        refs = references(expression)
        tree[name] = {"references": refs} if refs else {}
    for block in blocks(body, file):
        if block.type in _META:
            continue
        if block.type == "dynamic" and block.labels:
            for content in block.blocks("content"):
                tree.setdefault(block.labels[0], []).append(_expression_refs(content.body, file))
            continue
        entry = tree.setdefault(block.type, [])
        if isinstance(entry, list):
            entry.append(_expression_refs(block.body, file))
    return tree


@dataclass
class StaticInventory(PlanInventory):
    """Resource changes read from ``.tf`` files, with their references for mappers.

    The references are kept in the same shape as a plan's ``configuration`` section, so
    :meth:`references` and :meth:`resolve` work exactly as for a plan.
    """


def read_roots(paths: Sequence[Path]) -> list[Inventory]:
    """The inputs of one check: one inventory per root module they name."""
    plan = _Roots().plan(paths)
    loader = _Loader()
    return [_Builder(loader, root).build() for root in plan]


__all__ = ["ModuleInstance", "Root", "StaticInventory", "read_roots"]
