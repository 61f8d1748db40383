"""What users are told about a rule type, taken from its module: one source of truth.

A rule module must have ``TYPE``, ``TITLE``, ``REMEDIATION``, ``Config`` and ``check``, and
its docstring documents it. It may also set:

* ``RATIONALE``: why the rule exists (default: the docstring's paragraphs between the
  summary line and the first example);
* ``LINK``: a documentation URL (default: the rule's section of the generated reference,
  ``docs/rules.md``).

:func:`info` applies these defaults, here and nowhere else; the engine, ``aicost explain``
and the generated reference (``aicost policy docs``) all read rules through it, so a rule
module written to the original protocol shows up everywhere unchanged.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any

from aicost.policy.context import DOCS_URL, RuleModule
from aicost.policy.schema import RuleConfig, Severity

#: Keys every rule accepts (documented once, not per rule).
COMMON_KEYS = RuleConfig.__field_names__


@dataclass(frozen=True)
class Option:
    name: str
    kind: str
    default: str
    required: bool
    description: str


@dataclass(frozen=True)
class RuleInfo:
    type: str
    title: str
    summary: str
    rationale: str
    remediation: str
    link: str
    #: The module docstring (reStructuredText).
    doc: str
    default_severity: Severity
    options: tuple[Option, ...]


_INFO: dict[int, RuleInfo] = {}


def info(module: RuleModule) -> RuleInfo:
    """What to tell users about *module* (computed once per module)."""
    found = _INFO.get(id(module))
    if found is None:
        found = _INFO[id(module)] = _info(module)
    return found


def link_of(module: RuleModule) -> str:
    """The rule's documentation link (cheap: what findings carry, without the docs' options)."""
    link = getattr(module, "LINK", None)
    return link if isinstance(link, str) and link else f"{DOCS_URL}#{module.TYPE}"


def _info(module: RuleModule) -> RuleInfo:
    doc = inspect.cleandoc(getattr(module, "__doc__", None) or "")
    summary, rationale = _summary_and_rationale(doc)
    explicit = getattr(module, "RATIONALE", None)
    config = module.Config
    severity = config.model_fields["severity"].default
    return RuleInfo(
        type=module.TYPE,
        title=module.TITLE,
        summary=_inline(summary) or module.TITLE,
        rationale=_inline(inspect.cleandoc(explicit) if isinstance(explicit, str) else rationale),
        remediation=module.REMEDIATION,
        link=link_of(module),
        doc=doc,
        default_severity=severity if isinstance(severity, Severity) else Severity.ERROR,
        options=tuple(_options(config)),
    )


def _summary_and_rationale(doc: str) -> tuple[str, str]:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", doc) if p.strip()]
    if not paragraphs:
        return "", ""
    summary = " ".join(paragraphs[0].split())
    rationale: list[str] = []
    for paragraph in paragraphs[1:]:
        if paragraph.startswith(".. ") or paragraph.startswith("    ") or "::" in paragraph:
            break
        rationale.append(" ".join(paragraph.split()))
    return summary, "\n\n".join(rationale)


def _options(config: type[RuleConfig]) -> list[Option]:
    schema = config.model_json_schema()
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    options: list[Option] = []
    for name, field in config.model_fields.items():
        if name in COMMON_KEYS and name != "severity":
            continue
        if name == "severity" and field.default == Severity.ERROR:
            continue
        prop = properties.get(name, {})
        default = "" if name in required else _default(field.default, field.default_factory)
        options.append(
            Option(
                name=name,
                kind=describe_type(prop, schema.get("$defs", {})),
                default=default,
                required=name in required,
                description=" ".join((field.description or "").split()),
            )
        )
    return options


def _default(value: Any, factory: Any) -> str:
    if factory is not None:
        try:
            value = factory()
        except TypeError:
            return ""
    if value is None:
        return ""
    if isinstance(value, list) and not value:
        return ""
    if isinstance(value, dict) and not value:
        return ""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", exclude_defaults=True)
        if not value:
            return ""
    if isinstance(value, Severity):
        return value.value
    if isinstance(value, list):
        return "[" + ", ".join(str(v.value if hasattr(v, "value") else v) for v in value) + "]"
    return str(value)


def describe_type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """A short, human name for a JSON Schema type."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        if "enum" in target:
            return " | ".join(str(v) for v in target["enum"])
        return "mapping"
    if "enum" in prop:
        return " | ".join(str(v) for v in prop["enum"])
    if "const" in prop:
        return str(prop["const"])
    if "anyOf" in prop:
        kinds = [describe_type(p, defs) for p in prop["anyOf"] if p.get("type") != "null"]
        if "number" in kinds and "string" in kinds:
            kinds.remove("string")  # a Decimal: YAML numbers, or strings for exact values
        return " or ".join(dict.fromkeys(kinds))
    kind = prop.get("type")
    if kind == "array":
        return f"list of {_plural(describe_type(prop.get('items', {}), defs))}"
    if kind == "object":
        return "mapping"
    if kind == "string" and "\\d" in prop.get("pattern", ""):
        return "number"
    return {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean"}.get(
        str(kind), "value"
    )


def _plural(kind: str) -> str:
    return {"string": "strings", "number": "numbers", "integer": "integers"}.get(kind, kind)


# ---------------------------------------------------------------------------- reST -> Markdown

_LITERAL = re.compile(r"``([^`]+)``")
_REF = re.compile(r":(?:class|func|mod|meth|attr):`~?([^`]+)`")


def markdown(doc: str) -> str:
    """The subset of reStructuredText rule docstrings use, as GitHub Markdown."""
    out: list[str] = []
    lines = doc.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        block = re.match(r"^\.\. code-block::\s*(\w*)\s*$", line.strip())
        literal = line.rstrip().endswith("::") and not line.strip().startswith("..")
        if block or literal:
            language = block.group(1) if block else ""
            if literal:
                text = line.rstrip()[:-1].rstrip()
                text = text if text.endswith(":") or not text else text + ":"
                if text.strip() == ":":
                    text = ""
                if text:
                    out.append(_inline(text))
            index, code = _code_block(lines, index + 1, language)
            out += code
            continue
        out.append(_inline(line))
        index += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _code_block(lines: list[str], index: int, language: str) -> tuple[int, list[str]]:
    """The indented block from *index* on as a fenced code block; the index after it."""
    body: list[str] = []
    while index < len(lines) and (not lines[index].strip() or lines[index][:1] in " \t"):
        body.append(lines[index])
        index += 1
    while body and not body[-1].strip():
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    indent = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
    return index, ["", f"```{language}", *(b[indent:] for b in body), "```", ""]


def _inline(text: str) -> str:
    return _LITERAL.sub(r"`\1`", _REF.sub(r"`\1`", text))
