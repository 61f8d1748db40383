"""Inline waivers in ``.tf`` files and YAML manifests, and where plan resources are declared.

An inline waiver is a comment::

    # aicost:ignore=spot-training exp:2026-12-31 owner:@ml-infra ticket:ML-42 -- capacity test
    resource "aws_instance" "trainer" {

It applies to the resource (or manifest object) whose header line it is written on, or
whose header it sits directly above (a block of comment lines with no blank line between
it and the header). Several rules are separated by commas (``aicost:ignore=a,b``); ``*``
waives every rule. After the rules come ``key:value`` words, ``exp:YYYY-MM-DD``
(required), ``owner:NAME``, ``ticket:REF`` and ``ws:GLOB`` (a workspace), then an optional
``--``, then the reason (required). ``#``, ``//`` and single-line ``/* */`` comments are
read in ``.tf`` files, ``#`` comments in YAML. A comment on a ``module "x" {`` block
applies to every resource inside that module call.

For a plan, ``--source-dir DIR`` names the Terraform root module: :class:`SourceIndex`
scans the ``.tf`` files there (a line-aware scanner of its own: strings, heredocs and
comments are skipped when counting braces) and follows local ``module`` sources, so each
plan address is traced to the file and line that declare it. Remote modules are not
followed. ``.tf.json`` files are not read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from aicost.core import texts
from aicost.core.projects import display as display  # (path helpers, re-exported)
from aicost.core.projects import real as real
from aicost.policy.waivers import INLINE, Waiver

MARKER = "aicost:ignore"
MAX_SCAN_BYTES = 8 * 1024 * 1024

_RULES = re.compile(r"aicost:ignore\s*=\s*([^\s]+)(.*)$")
_HEADER = re.compile(r'^\s*(resource|data|module)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*\{')
_SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]*)"')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
_KEYS = ("exp", "owner", "ticket", "ws")


# ---------------------------------------------------------------------------- comments


def _is_yaml(path: str) -> bool:
    return path.lower().endswith((".yaml", ".yml"))


def _comment_in(line: str, yaml: bool) -> tuple[str, bool] | None:
    """The comment text on a line and whether it is the whole line, or None."""
    in_string: str | None = None
    index = 0
    while index < len(line):
        char = line[index]
        if in_string:
            if char == "\\" and in_string == '"':
                index += 2
                continue
            if char == in_string:
                in_string = None
        elif char == '"' or (yaml and char == "'"):
            in_string = char
        elif char == "#" and (not yaml or index == 0 or line[index - 1] in " \t"):
            return line[index + 1 :], not line[:index].strip()
        elif not yaml and line.startswith("//", index):
            return line[index + 2 :], not line[:index].strip()
        elif not yaml and line.startswith("/*", index):
            end = line.find("*/", index + 2)
            body = line[index + 2 : end if end >= 0 else len(line)]
            rest = line[end + 2 :].strip() if end >= 0 else ""
            return body, not line[:index].strip() and not rest
        index += 1
    return None


def _lines(path: str) -> tuple[str, ...]:
    """The lines of the file at the real *path*: from the text its reader left (see
    :mod:`aicost.core.texts`), else read here (once)."""
    text = texts.recall(path)
    if text is None:
        return _read_lines(path)
    shared = _shared.get(path)
    if shared is None or shared[0] is not text:
        shared = _shared[path] = (text, tuple(text.splitlines()))
    return shared[1]


#: Real path -> (the text a reader left, its lines).
_shared: dict[str, tuple[str, tuple[str, ...]]] = {}


@cache
def _read_lines(path: str) -> tuple[str, ...]:
    try:
        if os.path.getsize(path) > MAX_SCAN_BYTES:
            return ()
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


def _attach_line(lines: Sequence[str], index: int, yaml: bool) -> int | None:
    """The 1-based line a full-line comment at *index* (0-based) is attached to."""
    position = index + 1
    while position < len(lines):
        text = lines[position].strip()
        if not text:
            return None
        found = _comment_in(lines[position], yaml)
        if found is not None and found[1]:
            position += 1
            continue
        if yaml and text == "---":
            position += 1
            continue
        return position + 1
    return None


def parse_comment(
    text: str, *, path: str, line: int, anchor: tuple[str, int] | None, label: str
) -> list[Waiver]:
    """The waivers in one comment (one per rule named), or [] when it has no marker."""
    found = _RULES.search(text.replace("*/", " "))
    if not found:
        return []
    rules = [r for r in found.group(1).split(",") if r]
    words = found.group(2).split()
    values: dict[str, str] = {}
    position = 0
    while position < len(words):
        key, sep, value = words[position].partition(":")
        if not sep or key not in _KEYS or key in values:
            break
        values[key] = value
        position += 1
    if position < len(words) and words[position] in ("--", "-", "—"):
        position += 1
    reason = " ".join(words[position:]).strip()
    problem = None
    if "exp" not in values:
        problem = "inline waiver has no exp:YYYY-MM-DD date"
    elif not reason:
        problem = "inline waiver gives no reason"
    where = f"{label}:{line}"
    return [
        Waiver(
            rule=rule,
            reason=reason or "(no reason given)",
            owner=values.get("owner", ""),
            expires_text=values.get("exp", ""),
            kind=INLINE,
            where=where,
            workspaces=(values["ws"],) if values.get("ws") else (),
            ticket=values.get("ticket"),
            anchor=anchor,
            problem=problem,
        )
        for rule in rules
    ]


def scan_file(path: str | Path) -> list[Waiver]:
    """Every inline waiver in a file, each attached to the header line it applies to.

    A waiver attached to no line (a comment followed by a blank line) keeps ``anchor``
    None: it can waive nothing and is reported as stale.
    """
    text_path = str(path)
    # Most files: the text their reader left (under the path it was given, this one) has
    # no marker, and neither the real path nor the lines are needed.
    shared = texts.recall(text_path)
    if shared is not None and MARKER not in shared:
        return []
    located = real(text_path)
    yaml = _is_yaml(text_path)
    lines = _lines(located)
    label = display(text_path)
    waivers: list[Waiver] = []
    for index, line in enumerate(lines):
        if MARKER not in line:
            continue
        found = _comment_in(line, yaml)
        if found is None or MARKER not in found[0]:
            continue
        comment, full_line = found
        target = _attach_line(lines, index, yaml) if full_line else index + 1
        anchor = (located, target) if target is not None else None
        waivers.extend(
            parse_comment(comment, path=text_path, line=index + 1, anchor=anchor, label=label)
        )
    return waivers


def content_line(path: str, line: int, real_path: str | None = None) -> int:
    """YAML objects reported at their ``---`` line are anchored at their first content line.

    *real_path* is ``real(path)`` when the caller has it already."""
    if not _is_yaml(path):
        return line
    lines = _lines(real_path if real_path is not None else real(path))
    position = line - 1
    while 0 <= position < len(lines) and lines[position].strip() in ("---", ""):
        position += 1
    return position + 1 if position < len(lines) else line


def document_start(path: str, line: int, real_path: str | None = None) -> int:
    """The first content line of the YAML document holding *line*: the object's header
    (``apiVersion:``), where a comment directly above it waives the object, whichever of its
    keys (``kind:``) the object is reported at. *line* itself for a file that is not YAML."""
    if not _is_yaml(path):
        return line
    lines = _lines(real_path if real_path is not None else real(path))
    position = min(line, len(lines)) - 1
    while position > 0 and lines[position - 1].strip() != "---":
        position -= 1
    while position < len(lines) - 1:
        text = lines[position].strip()
        if text and text != "---" and not text.startswith("#"):
            break
        position += 1
    return position + 1


# ---------------------------------------------------------------------------- HCL index


@dataclass(frozen=True)
class Block:
    kind: str
    labels: tuple[str, ...]
    path: str
    line: int
    source: str | None = None


def scan_blocks(text: str, path: str) -> list[Block]:
    """Top-level ``resource``, ``data`` and ``module`` blocks of one ``.tf`` file."""
    scanner = _Scanner(path)
    for number, line in enumerate(text.splitlines(), start=1):
        scanner.line(number, line)
    return scanner.blocks


class _Scanner:
    """Braces, strings, comments and heredocs of a ``.tf`` file, one line at a time."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.blocks: list[Block] = []
        self.stack: list[str] = []  # "{", "\"", "${"
        self.heredoc: str | None = None
        self.in_comment = False
        self.current: Block | None = None

    def line(self, number: int, line: str) -> None:
        if self.heredoc is not None:
            if line.strip() == self.heredoc:
                self.heredoc = None
            return
        self._header(number, line)
        index: int | None = 0
        while index is not None and index < len(line):
            if self.in_comment:
                index = self._comment(line, index)
            elif self.stack and self.stack[-1] == '"':
                index = self._string(line, index)
            else:
                index = self._code(line, index)

    def _header(self, number: int, line: str) -> None:
        """A block's opening line, or a module's ``source`` line."""
        if not self.stack and not self.in_comment:
            header = _HEADER.match(line)
            if header:
                kind, first, second = header.groups()
                labels = (first, second) if second else (first,)
                self.current = Block(kind, labels, self.path, number)
        current = self.current
        if current is not None and current.kind == "module" and len(self.stack) == 1:
            source = _SOURCE.match(line)
            if source and current.source is None:
                self.current = Block(
                    current.kind, current.labels, self.path, current.line, source[1]
                )

    def _comment(self, line: str, index: int) -> int:
        if line.startswith("*/", index):
            self.in_comment = False
            return index + 2
        return index + 1

    def _string(self, line: str, index: int) -> int:
        char = line[index]
        if char == "\\":
            return index + 2
        if char == '"':
            self.stack.pop()
        elif line.startswith("${", index) or line.startswith("%{", index):
            self.stack.append("${")
            return index + 2
        return index + 1

    def _code(self, line: str, index: int) -> int | None:
        """The next index to read, or None when the rest of the line is not code."""
        char = line[index]
        if char == "#" or line.startswith("//", index):
            return None
        if line.startswith("/*", index):
            self.in_comment = True
            return index + 2
        if char == '"':
            self.stack.append('"')
        elif char == "{":
            self.stack.append("{")
        elif char == "}":
            if self.stack:
                self.stack.pop()
            if not self.stack and self.current is not None:
                self.blocks.append(self.current)
                self.current = None
        elif line.startswith("<<", index):
            match = _HEREDOC.match(line[index:])
            if match:
                self.heredoc = match.group(1)
                return None
        return index + 1


@dataclass
class _Module:
    resources: dict[str, Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def split_address(address: str) -> tuple[list[str], str | None]:
    """``module.a["k.x"].module.b[0].aws_instance.c[1]`` -> (["a", "b"], "aws_instance.c")."""
    parts: list[str] = []
    token = ""
    depth = 0
    quoted = False
    for char in address:
        if quoted:
            if char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth:
            continue
        elif char == ".":
            parts.append(token)
            token = ""
        else:
            token += char
    parts.append(token)
    modules: list[str] = []
    while len(parts) >= 2 and parts[0] == "module":
        modules.append(parts[1])
        parts = parts[2:]
    if parts and parts[0] == "data" and len(parts) == 3:
        return modules, f"data.{parts[1]}.{parts[2]}"
    if len(parts) == 2:
        return modules, f"{parts[0]}.{parts[1]}"
    return modules, None


class SourceIndex:
    """Where each plan address is declared under a Terraform root directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._modules: dict[str, _Module] = {}

    def _module(self, directory: Path) -> _Module:
        key = real(directory)
        found = self._modules.get(key)
        if found is not None:
            return found
        module = _Module()
        self._modules[key] = module
        for file in sorted(directory.glob("*.tf")):
            shown = display(file)
            module.files.append(shown)
            text = "\n".join(_lines(real(file)))
            for block in scan_blocks(text, shown):
                if block.kind == "module":
                    module.calls.setdefault(block.labels[0], block)
                elif len(block.labels) == 2:
                    prefix = "data." if block.kind == "data" else ""
                    name = f"{prefix}{block.labels[0]}.{block.labels[1]}"
                    module.resources.setdefault(name, block)
        return module

    def locate(self, address: str) -> list[Block]:
        """The module call blocks and the resource block for *address*, outermost first.

        Stops where a module cannot be followed (a remote source), so the list may end
        with a module call rather than the resource.
        """
        modules, resource = split_address(address)
        directory = self.root
        found: list[Block] = []
        for name in modules:
            call = self._module(directory).calls.get(name)
            if call is None:
                return found
            found.append(call)
            source = call.source or ""
            if not source.startswith(("./", "../")):
                return found
            directory = Path(os.path.normpath(Path(call.path).parent / source))
            if not directory.is_dir():
                return found
        if resource is not None:
            block = self._module(directory).resources.get(resource)
            if block is not None:
                found.append(block)
        return found

    def files(self) -> Iterator[str]:
        """Every ``.tf`` file scanned so far (the root and the modules reached)."""
        self._module(self.root)
        for module in list(self._modules.values()):
            yield from module.files

    def all_files(self) -> list[str]:
        """Every ``.tf`` file of the root and of every local module reachable from it."""
        pending = [self.root]
        seen: set[str] = set()
        files: list[str] = []
        while pending:
            directory = pending.pop()
            key = real(directory)
            if key in seen:
                continue
            seen.add(key)
            module = self._module(directory)
            files.extend(module.files)
            for call in module.calls.values():
                source = call.source or ""
                if source.startswith(("./", "../")):
                    target = Path(os.path.normpath(Path(call.path).parent / source))
                    if target.is_dir():
                        pending.append(target)
        return files


def workspace_of(directory: Path) -> str | None:
    """The workspace ``terraform workspace select`` recorded in ``.terraform/environment``."""
    try:
        text = (directory / ".terraform" / "environment").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None
