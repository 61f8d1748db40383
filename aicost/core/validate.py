"""Validate YAML-loaded data against a pydantic model, with errors that name file and line.

Every YAML input (policies, waivers, usage files, LLM usage files, policy test suites) is
validated here, so an error reads the same everywhere: ``file:line: key.path: message``,
the unknown key first (it usually causes the other errors), with a did-you-mean hint.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aicost.core.errors import ConfigError

if TYPE_CHECKING:  # pydantic (and YAML) are imported when something is validated
    from typing import Self

    from pydantic import BaseModel, ValidationError
    from pydantic.fields import FieldInfo

    from aicost.core.yamlsafe import PathKey, YamlDocument


class Validated(Protocol):
    """A pydantic model, or a :class:`aicost.core.declared.Model` (validated by its twin)."""

    @classmethod
    def model_validate(cls, obj: Any) -> Self: ...


M = TypeVar("M", bound=Validated)


def strict_validate(document: YamlDocument, model: type[M], data: Any, at: PathKey) -> M:
    """Validate *data* against *model*, raising a ConfigError that names the file and line."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(document, exc, model, data, at) from None


def validation_error(
    document: YamlDocument, exc: ValidationError, model: type[Validated], data: Any, at: PathKey
) -> ConfigError:
    loc, message = problem(exc, model, data)
    full = (*at, *loc)
    return document.error(f"{dotted(full)}: {message}", full)


def problem(exc: ValidationError, model: type[Validated], data: Any) -> tuple[PathKey, str]:
    errors = exc.errors(include_url=False)
    # An unknown key is usually the cause of the other errors (a typo'd required key).
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    error = errors[0]
    loc = _real_path(data, tuple(error["loc"]))
    kind = error["type"]
    message = str(error["msg"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        message = f"unknown key {key!r}{hint(key, _fields(model, loc[:-1]))}"
    elif kind == "missing":
        message = f"missing required key {loc[-1]!r}"
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    more = (
        f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
        if len(errors) > 1
        else ""
    )
    return loc, message + more


def _real_path(data: Any, loc: Sequence[Any]) -> PathKey:
    """Drop the union-branch labels pydantic puts in error locations."""
    path: list[str | int] = []
    node = data
    for position, step in enumerate(loc):
        last = position == len(loc) - 1
        in_mapping = isinstance(node, Mapping) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_mapping or in_list:
            node = node[step]
            path.append(step)
        elif last and isinstance(step, str | int) and isinstance(node, Mapping):
            path.append(step)
    return tuple(path)


def _fields(model: type[Validated], loc: PathKey) -> list[str]:
    """The keys allowed at *loc* inside *model* (for did-you-mean hints)."""
    fields: dict[str, FieldInfo] = model.model_fields  # type: ignore[attr-defined]
    for step in loc:
        if not isinstance(step, str):
            continue
        info = fields.get(step)
        nested = _model_in(info.annotation) if info is not None else None
        if nested is None:
            break
        fields = nested.model_fields
    return list(fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def hint(word: str, candidates: Any) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def dotted(path: PathKey) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(top level)"
