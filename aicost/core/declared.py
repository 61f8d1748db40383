"""Models declared as pydantic models are, that import pydantic only to validate.

Policy options are declared once, as pydantic classes would be (annotations, ``Field(...)``,
``field_validator``, ``model_validator``, ``ConfigDict``), but on a :class:`Model` from this
module. Such a class is a plain frozen Python class: reading a cached policy, comparing or
hashing its options and calling their methods imports nothing. Importing pydantic and
building its schemas costs a pre-commit hook more than the rest of a small check, and a
check whose policy was validated once (:mod:`aicost.policy.cache`) needs neither.

Validation (``model_validate``, a constructor call, ``model_fields``,
``model_json_schema``, ``model_dump``) builds, on first use, the class's *pydantic twin*: a
genuine ``pydantic.BaseModel`` with the same name, module, docstring, fields, defaults,
constraints, validators and configuration, whose base is the twin of the declared base. The
twin validates (so values and error messages are pydantic's, unchanged), then its result is
copied into the declared class. Nested models, lists and dicts of them are converted both
ways.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from typing import Self

    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

F = TypeVar("F")

#: Declared class -> its pydantic twin, and back.
_TWINS: dict[type, type[BaseModel]] = {}
_DECLARED: dict[type, type[Model]] = {}
_FIELDS_SET = "__fields_set__"


class _Marker:
    """Stands for a pydantic object (``Field(...)``, ``BeforeValidator(...)``) until a twin
    is built."""

    __slots__ = ("args", "kwargs", "name")

    def __init__(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.name = name
        self.args = args
        self.kwargs = kwargs

    def pydantic(self) -> Any:
        import pydantic

        return getattr(pydantic, self.name)(*self.args, **self.kwargs)


def Field(*args: Any, **kwargs: Any) -> Any:
    """``pydantic.Field``, applied when the twin is built."""
    return _Marker("Field", args, kwargs)


def BeforeValidator(func: Callable[[Any], Any]) -> Any:
    """``pydantic.BeforeValidator`` (in ``Annotated`` metadata)."""
    return _Marker("BeforeValidator", (func,), {})


def WithJsonSchema(json_schema: dict[str, Any]) -> Any:
    """``pydantic.WithJsonSchema`` (in ``Annotated`` metadata)."""
    return _Marker("WithJsonSchema", (json_schema,), {})


def ConfigDict(**kwargs: Any) -> dict[str, Any]:
    """``pydantic.ConfigDict``: the class's ``model_config``."""
    return dict(kwargs)


class _Validator:
    """A ``field_validator`` or ``model_validator`` waiting for its twin."""

    __slots__ = ("args", "func", "kind", "kwargs")

    def __init__(self, kind: str, args: tuple[Any, ...], kwargs: dict[str, Any], func: Any):
        self.kind = kind
        self.args = args
        self.kwargs = kwargs
        self.func = func

    def pydantic(self) -> Any:
        import pydantic

        decorator = getattr(pydantic, self.kind)(*self.args, **self.kwargs)
        return decorator(self.func)


def field_validator(*fields: str, **kwargs: Any) -> Callable[[F], F]:
    """``pydantic.field_validator``."""

    def wrap(func: F) -> F:
        return typing.cast(F, _Validator("field_validator", fields, kwargs, func))

    return wrap


def model_validator(**kwargs: Any) -> Callable[[F], F]:
    """``pydantic.model_validator``."""

    def wrap(func: F) -> F:
        return typing.cast(F, _Validator("model_validator", (), kwargs, func))

    return wrap


class _Declared(type):
    """Collects a class's fields (annotations), defaults and validators, and leaves a plain
    class: defaults and validators live on the twin."""

    __own_fields__: tuple[str, ...]
    __field_names__: tuple[str, ...]
    __defaults__: dict[str, Any]
    __validators__: dict[str, _Validator]

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> _Declared:
        annotations = namespace.get("__annotations__", {})
        own = tuple(
            field
            for field, annotation in annotations.items()
            if not (isinstance(annotation, str) and annotation.startswith("ClassVar"))
        )
        defaults = {field: namespace.pop(field) for field in own if field in namespace}
        validators = {}
        for key, value in list(namespace.items()):
            if isinstance(value, _Validator):
                validators[key] = value
                namespace[key] = value.func
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        cls.__own_fields__ = own
        cls.__defaults__ = defaults
        cls.__validators__ = validators
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for field in klass.__dict__.get("__own_fields__", ()):
                if field not in names:
                    names.append(field)
        cls.__field_names__ = tuple(names)
        return cls

    @property
    def model_fields(cls) -> dict[str, FieldInfo]:
        """The twin's fields (pydantic ``FieldInfo``, annotations naming twins)."""
        return twin(cls).model_fields


class Model(metaclass=_Declared):
    """A frozen model: fields are attributes; validation goes through the pydantic twin."""

    model_config: ClassVar[dict[str, Any]] = {}

    def __init__(self, **data: Any) -> None:
        validated = type(self).model_validate(data)
        self.__dict__.update(validated.__dict__)

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """Validate *obj* (a mapping, or an instance) as pydantic would."""
        return typing.cast("Self", declared(twin(cls).model_validate(as_twin(obj))))

    @classmethod
    def model_json_schema(cls, **kwargs: Any) -> dict[str, Any]:
        return twin(cls).model_json_schema(**kwargs)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        return typing.cast("BaseModel", as_twin(self)).model_dump(**kwargs)

    @property
    def model_fields_set(self) -> set[str]:
        return set(self.__dict__.get(_FIELDS_SET, type(self).__field_names__))

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__.get(name) for name in type(self).__field_names__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={self.__dict__.get(name)!r}" for name in type(self).__field_names__
        )
        return f"{type(self).__name__}({fields})"


def twin(cls: type) -> type[BaseModel]:
    """The pydantic model that validates the declared class *cls* (built once)."""
    found = _TWINS.get(cls)
    if found is not None:
        return found
    import pydantic

    assert isinstance(cls, _Declared) and cls is not Model
    parent = next((b for b in cls.__bases__ if isinstance(b, _Declared) and b is not Model), None)
    base = twin(parent) if parent is not None else pydantic.BaseModel
    hints = typing.get_type_hints(cls, include_extras=True)
    namespace: dict[str, Any] = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__dict__.get("__doc__"),
        "__annotations__": {name: _translate(hints[name]) for name in cls.__own_fields__},
    }
    for name, default in cls.__defaults__.items():
        namespace[name] = default.pydantic() if isinstance(default, _Marker) else default
    if "model_config" in cls.__dict__:
        namespace["model_config"] = pydantic.ConfigDict(**cls.__dict__["model_config"])  # type: ignore[typeddict-item]
    for name, value in cls.__dict__.items():
        if name in namespace or name.startswith("__"):
            continue
        if name in cls.__validators__:
            namespace[name] = cls.__validators__[name].pydantic()
        elif isinstance(value, types.FunctionType | property | classmethod | staticmethod):
            namespace[name] = value
    made = types.new_class(cls.__name__, (base,), {}, lambda ns: ns.update(namespace))
    _TWINS[cls] = made
    _DECLARED[made] = typing.cast(type[Model], cls)
    return typing.cast(type["BaseModel"], made)


def _translate(annotation: Any) -> Any:
    """*annotation* with declared classes replaced by their twins and markers by pydantic's
    objects."""
    if isinstance(annotation, _Declared):
        return twin(annotation)
    if isinstance(annotation, _Marker):
        return annotation.pydantic()
    origin = typing.get_origin(annotation)
    if origin is None or origin is typing.Literal:
        return annotation
    if origin is typing.Annotated:
        inner = _translate(annotation.__origin__)
        metadata = tuple(_translate(item) for item in annotation.__metadata__)
        return typing.Annotated[(inner, *metadata)]
    args = tuple(_translate(arg) for arg in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return typing.Union[args]  # noqa: UP007
    return origin[args]


def declared(value: Any) -> Any:
    """*value* with every pydantic twin instance in it turned into its declared class."""
    kind = _DECLARED.get(type(value))
    if kind is not None:
        made = object.__new__(kind)
        state = made.__dict__
        for name in kind.__field_names__:
            state[name] = declared(value.__dict__[name])
        state[_FIELDS_SET] = frozenset(value.model_fields_set)
        return made
    if type(value) is list:
        return [declared(item) for item in value]
    if type(value) is dict:
        return {key: declared(item) for key, item in value.items()}
    if type(value) is tuple:
        return tuple(declared(item) for item in value)
    return value


def as_twin(value: Any) -> Any:
    """*value* with every declared instance in it turned into its pydantic twin's."""
    if isinstance(value, Model):
        kind = twin(type(value))
        fields = {name: as_twin(value.__dict__.get(name)) for name in type(value).__field_names__}
        return kind.model_construct(_fields_set=set(value.model_fields_set), **fields)
    if type(value) is list:
        return [as_twin(item) for item in value]
    if type(value) is dict:
        return {key: as_twin(item) for key, item in value.items()}
    if type(value) is tuple:
        return tuple(as_twin(item) for item in value)
    return value
