"""Fast constructors for the frozen, slotted dataclasses a check builds thousands of.

A frozen dataclass's ``__init__`` must set each field through a looked-up
``object.__setattr__``, about twice as slow as calling the slot's own setter. The mappers
build one Deployment and one Workload per resource, and the policy engine one Finding per
finding: :func:`fast_constructor` gives them a constructor that takes the same arguments as
the class's ``__init__`` (positional or by name, with the same defaults) and makes the same
object, built from ``dataclasses.fields`` as ``__init__`` is, so it follows the class.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A constructor for the frozen, slotted dataclass *cls*; a class it cannot follow (a
    ``__post_init__``, a field outside ``__init__``, no slots) is returned as it is."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    slots = vars(cls)
    if hasattr(cls, "__post_init__") or not all(
        f.init and not f.kw_only and isinstance(slots.get(f.name), types.MemberDescriptorType)
        for f in fields
    ):
        return cls
    names: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_MISSING": dataclasses.MISSING}
    params: list[str] = []
    body = ["    self = _new(_cls)"]
    for position, spec in enumerate(fields):
        name = spec.name
        names[f"_set{position}"] = slots[name].__set__
        value = name
        if spec.default is not dataclasses.MISSING:
            names[f"_default{position}"] = spec.default
            params.append(f"{name}=_default{position}")
        elif spec.default_factory is not dataclasses.MISSING:
            names[f"_factory{position}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            value = f"_factory{position}() if {name} is _MISSING else {name}"
        else:
            params.append(name)
        body.append(f"    _set{position}(self, {value})")
    source = f"def new({', '.join(params)}):\n" + "\n".join(body) + "\n    return self\n"
    exec(source, names)  # as dataclasses makes __init__
    made: Callable[..., T] = names["new"]
    return made
