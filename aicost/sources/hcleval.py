"""Evaluate HCL expressions without Terraform, as far as they can be known.

Works on python-hcl2's raw Lark tree (see :mod:`aicost.sources.hclparse`). Values are
plain Python values (``str``, ``int``, ``float``, ``bool``, ``None``, ``list``, ``dict``)
plus two markers:

* :data:`UNKNOWN`: known only after apply (a resource id, a data source, a function aicost
  does not evaluate, a variable with no value). It spreads: ``"${UNKNOWN}-x"`` is unknown.
* :class:`Sensitive`: a value derived from a ``sensitive = true`` variable. The source
  turns it into the plan's ``after_sensitive`` marks, so reports mask it.

Names (``var.x``, ``local.y``, resources, modules, ``count.index``, ``each.key``...) are
looked up through a :class:`Context` that the source implements. Anything Terraform would
reject (a type error, an index out of range) raises :class:`EvalError`; the source turns
it into an unknown value, so a configuration aicost cannot follow never crashes a check.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import operator as operator_module
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lark import Token, Tree

#: Refuse to build collections larger than this from ``range()``, ``for`` or repetition.
MAX_ITEMS = 10_000
#: How deep evaluation may nest (locals referring to locals, module outputs...).
MAX_DEPTH = 200
#: A value larger than this (characters of text, or items) is unknown: 28 locals that double
#: a string must not reach gigabytes.
MAX_VALUE_SIZE = 1_000_000
#: Widths and precisions ``format()`` accepts.
MAX_FORMAT_WIDTH = 10_000
#: Integers longer than this (digits) are not numbers aicost computes with.
MAX_DIGITS = 400
#: Iterations of ``for`` expressions in one top-level evaluation.
MAX_WORK = 250_000
_work = [0]


class EvalError(Exception):
    """An expression Terraform would reject; the caller treats the value as unknown."""


class TooLarge(EvalError):
    """A value over aicost's size caps; the caller treats it as unknown, with a warning."""


class InvalidArgument(Exception):
    """A function argument Terraform refuses at plan time (an invalid regular expression):
    the configuration is invalid, not merely unknown. ``line`` is filled in on the way up."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.line: int | None = None


def reset_work() -> None:
    """Start a new top-level evaluation's work budget."""
    _work[0] = 0


def _spend(amount: int = 1) -> None:
    _work[0] += amount
    if _work[0] > MAX_WORK:
        raise TooLarge(f"more than {MAX_WORK:,} iterations in one expression")


def size_over(value: Any, limit: int = MAX_VALUE_SIZE) -> bool:
    """Whether *value* holds more than *limit* characters and items (stops early)."""
    total = 0
    stack = [value]
    while stack:
        node = stack.pop()
        while isinstance(node, Sensitive):
            node = node.value
        if isinstance(node, str):
            total += len(node)
        elif isinstance(node, list | tuple):
            total += len(node)
            stack.extend(node)
        elif isinstance(node, dict):
            total += len(node)
            stack.extend(node.values())
        elif isinstance(node, int) and not isinstance(node, bool):
            total += 1
            if node.bit_length() > MAX_DIGITS * 4:
                return True
        else:
            total += 1
        if total > limit:
            return True
    return False


class _Unknown:
    __slots__ = ()
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise EvalError("an unknown value has no truth value")


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True, slots=True)
class Sensitive:
    """A value that Terraform would mark sensitive."""

    value: Any


class LazyObject(Protocol):
    """An object whose attributes are evaluated on demand (a resource, a module instance)."""

    def attribute(self, name: str) -> Any: ...


class Context(Protocol):
    """What names refer to in a module instance."""

    def variable(self, name: str) -> Any: ...

    def local(self, name: str) -> Any: ...

    def resource(self, mode: str, rtype: str, name: str) -> Any: ...

    def module(self, name: str) -> Any: ...

    def path(self, name: str) -> Any: ...


@dataclass
class Scope:
    """A context plus the names a block or expression adds (count, each, iterators)."""

    context: Context
    count_index: Any = None
    each: tuple[Any, Any] | None = None
    names: dict[str, Any] = field(default_factory=dict)
    depth: int = 0

    def child(self, **names: Any) -> Scope:
        return Scope(self.context, self.count_index, self.each, {**self.names, **names}, self.depth)


@dataclass(frozen=True)
class _Namespace:
    """``var``, ``local``, ``count``... before their attribute is taken."""

    kind: str
    scope: Scope
    extra: str = ""


def unmark(value: Any) -> tuple[Any, bool]:
    """The value without a top-level sensitive mark, and whether it had one."""
    if isinstance(value, Sensitive):
        inner, _ = unmark(value.value)
        return inner, True
    return value, False


def deep_unmark(value: Any) -> tuple[Any, bool]:
    """The value with every sensitive mark removed, and whether any was found."""
    if isinstance(value, Sensitive):
        inner, _ = deep_unmark(value.value)
        return inner, True
    if isinstance(value, list):
        marked = False
        items = []
        for item in value:
            raw, flag = deep_unmark(item)
            marked |= flag
            items.append(raw)
        return items, marked
    if isinstance(value, dict):
        marked = False
        out = {}
        for key, item in value.items():
            raw, flag = deep_unmark(item)
            marked |= flag
            out[key] = raw
        return out, marked
    return value, False


def mark(value: Any, sensitive: bool) -> Any:
    if not sensitive or value is UNKNOWN or isinstance(value, Sensitive):
        return value
    return Sensitive(value)


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Sensitive):
        return contains_unknown(value.value)
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    return False


def is_lazy(value: Any) -> bool:
    return hasattr(value, "attribute") and not isinstance(value, dict | list | str)


# --------------------------------------------------------------------------- tree helpers


def children(node: Tree[Any]) -> list[Any]:
    """Children without comments and newlines."""
    return [
        c
        for c in node.children
        if not (isinstance(c, Tree) and c.data == "new_line_or_comment")
        and not (isinstance(c, Token) and c.type == "NL_OR_COMMENT")
    ]


def subtrees(node: Tree[Any]) -> list[Tree[Any]]:
    return [c for c in children(node) if isinstance(c, Tree)]


def name_of(node: Any) -> str:
    """The text of an identifier, keyword, literal or plain string node."""
    if isinstance(node, Token):
        return str(node)
    if node.data in ("identifier", "keyword", "literal_value"):
        return str(node.children[0])
    if node.data == "string":
        return "".join(_literal_part(p) for p in subtrees(node))
    if node.data == "expr_term" and len(subtrees(node)) == 1:
        return name_of(subtrees(node)[0])
    raise EvalError(f"not a name: {node.data}")


def _literal_part(part: Tree[Any]) -> str:
    token = part.children[0]
    if isinstance(token, Token):
        return unescape(token)
    raise EvalError("a label cannot contain an interpolation")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))", re.DOTALL)


def unescape(token: Token) -> str:
    text = str(token)
    if token.type == "ESCAPED_INTERPOLATION":
        return text[1:]
    if token.type == "ESCAPED_DIRECTIVE":
        return text[1:]
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        if match.group(1) or match.group(2):
            return chr(int(match.group(1) or match.group(2), 16))
        char = match.group(3)
        return _ESCAPES.get(char, "\\" + char)

    return _ESCAPE.sub(replace, text)


def traversal(node: Any) -> tuple[str, list[str | int]] | None:
    """``aws_instance.x[0].id`` -> ``("aws_instance", ["x", 0, "id"])``; None if not one."""
    steps: list[str | int] = []
    while isinstance(node, Tree):
        kind = node.data
        parts = subtrees(node)
        if kind == "expr_term" and len(parts) == 1 and not _is_paren(node):
            node = parts[0]
        elif kind == "identifier":
            return str(node.children[0]), list(reversed(steps))
        elif kind == "get_attr_expr_term":
            steps.append(name_of(subtrees(parts[1])[0]))
            node = parts[0]
        elif kind == "index_expr_term":
            index = parts[1]
            key = _static_index(index)
            if key is None:
                return None
            steps.append(key)
            node = parts[0]
        elif kind in ("attr_splat_expr_term", "full_splat_expr_term"):
            node = parts[0]
            steps.clear()
        else:
            return None
    return None


def _static_index(index: Tree[Any]) -> str | int | None:
    if index.data == "short_index":
        return int(str(children(index)[-1]))
    inner = subtrees(index)
    if not inner:
        return None
    term = inner[0]
    while isinstance(term, Tree) and term.data == "expr_term" and len(subtrees(term)) == 1:
        term = subtrees(term)[0]
    if isinstance(term, Tree) and term.data == "int_lit":
        return int(str(term.children[0]))
    if isinstance(term, Tree) and term.data == "string":
        try:
            return name_of(term)
        except EvalError:
            return None
    return None


def _is_paren(node: Tree[Any]) -> bool:
    first = node.children[0] if node.children else None
    return isinstance(first, Token) and first.type == "LPAR"


def references(node: Any) -> list[str]:
    """Every reference in an expression, as Terraform lists them in plan JSON.

    ``aws_launch_template.x.id`` gives ``["aws_launch_template.x.id",
    "aws_launch_template.x"]``; ``var.a`` gives ``["var.a"]``.
    """
    found: list[str] = []
    _collect(node, found, set())
    return list(dict.fromkeys(found))


_SCOPE_ROOTS = {"var", "local", "module", "data", "count", "each", "path", "terraform", "self"}


def _collect(node: Any, found: list[str], bound: set[str]) -> None:
    if not isinstance(node, Tree):
        return
    if node.data in ("get_attr_expr_term", "index_expr_term", "identifier"):
        trav = traversal(node)
        if trav is not None:
            root, steps = trav
            if root not in bound and root not in ("true", "false", "null"):
                _add_reference(root, steps, found)
            if node.data == "index_expr_term":
                _collect(subtrees(node)[1], found, bound)
            return
    if node.data in ("for_tuple_expr", "for_object_expr"):
        _collect_for(node, found, bound)
        return
    if node.data == "function_call":
        for child in subtrees(node)[1:]:
            _collect(child, found, bound)
        return
    if node.data == "object_elem_key":
        inner = subtrees(node)
        if inner and _bare_identifier(inner[0]):
            return
    for child in node.children:
        _collect(child, found, bound)


def _collect_for(node: Tree[Any], found: list[str], bound: set[str]) -> None:
    """References of a ``for`` expression: its own names are bound in its body."""
    intro = next(t for t in subtrees(node) if t.data == "for_intro")
    names = {str(t.children[0]) for t in subtrees(intro) if t.data == "identifier"}
    for child in subtrees(intro):
        if child.data != "identifier":
            _collect(child, found, bound)
    for child in subtrees(node):
        if child.data != "for_intro":
            _collect(child, found, bound | names)


def _bare_identifier(node: Tree[Any]) -> bool:
    while node.data == "expr_term" and len(subtrees(node)) == 1 and not _is_paren(node):
        node = subtrees(node)[0]
    return node.data in ("identifier", "keyword")


def _add_reference(root: str, steps: list[str | int], found: list[str]) -> None:
    def render(parts: Sequence[str | int]) -> str:
        out = root
        for part in parts:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out

    if root in ("count", "each", "path", "terraform", "self"):
        return
    if root in ("var", "local"):
        if steps:
            found.append(render(steps[:1]))
        return
    if root == "module":
        if steps:
            found.append(render(steps))
            found.append(render(steps[:1]))
        return
    if root == "data":
        if len(steps) >= 2:
            found.append(render(steps))
            found.append(render(steps[:2]))
        return
    if steps:  # a managed resource: type.name[...]
        found.append(render(steps))
        found.append(render(steps[:1]))


# --------------------------------------------------------------------------- evaluator


def evaluate(node: Any, scope: Scope) -> Any:
    """The value of an expression node; raises :class:`EvalError` when Terraform would."""
    if scope.depth > MAX_DEPTH:
        raise EvalError("expression nested too deeply")
    if isinstance(node, Token):
        raise EvalError(f"unexpected token {node.type}")
    handler = _HANDLERS.get(str(node.data))
    if handler is None:
        raise EvalError(f"unsupported expression {node.data}")
    try:
        return handler(node, scope)
    except InvalidArgument as exc:
        if exc.line is None and not node.meta.empty:
            exc.line = node.meta.line
        raise


def _expr_term(node: Tree[Any], scope: Scope) -> Any:
    parts = subtrees(node)
    if len(parts) != 1:
        raise EvalError("malformed expression")
    return evaluate(parts[0], scope)


def _int_lit(node: Tree[Any], scope: Scope) -> Any:
    return int(str(node.children[0]))


def _float_lit(node: Tree[Any], scope: Scope) -> Any:
    value = float(str(node.children[0]))
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _literal_value(node: Tree[Any], scope: Scope) -> Any:
    text = str(node.children[0])
    return {"true": True, "false": False, "null": None}[text]


def _identifier(node: Tree[Any], scope: Scope) -> Any:
    name = str(node.children[0])
    if name in scope.names:
        return scope.names[name]
    if name in _SCOPE_ROOTS:
        return _Namespace(name, scope)
    # A bare resource type: `aws_instance.x` starts here.
    return _Namespace("resource", scope, name)


def _string(node: Tree[Any], scope: Scope) -> Any:
    return _template(subtrees(node), scope)


def _template(parts: list[Tree[Any]], scope: Scope) -> Any:
    pieces: list[str] = []
    sensitive = False
    unknown = False
    total = 0
    for part in parts:
        content = part.children[0]
        if isinstance(content, Token):
            pieces.append(unescape(content))
            continue
        if content.data != "interpolation":
            # %{ if } / %{ for } directives: not evaluated.
            return UNKNOWN
        value = evaluate(subtrees(content)[0], scope)
        value, flag = unmark(value)
        sensitive |= flag
        if value is UNKNOWN or contains_unknown(value):
            unknown = True
            continue
        piece = to_string(value)
        total += len(piece)
        if total > MAX_VALUE_SIZE:
            raise TooLarge(f"a string over {MAX_VALUE_SIZE:,} characters")
        pieces.append(piece)
    if unknown:
        return UNKNOWN
    return mark("".join(pieces), sensitive)


def _template_string(node: Tree[Any], scope: Scope) -> Any:
    text = str(node.children[0])
    return text[2:-2] if text.startswith('\\"') else text


_HEREDOC = re.compile(r"<<-?([A-Za-z][\w.-]*)\r?\n(.*?)\r?\n?[ \t]*\1\r?\n?\Z", re.DOTALL)


def _heredoc(node: Tree[Any], scope: Scope) -> Any:
    text = str(node.children[0])
    match = _HEREDOC.match(text)
    if match is None:
        raise EvalError("malformed heredoc")
    body = match.group(2)
    if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
        return UNKNOWN  # a template: usually user data; aicost does not need its value
    if node.data == "heredoc_template_trim":
        lines = body.split("\n")
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents) if indents else 0
        body = "\n".join(line[cut:] for line in lines)
    return body.replace("$${", "${").replace("%%{", "%{") + "\n"


def _tuple(node: Tree[Any], scope: Scope) -> Any:
    return [evaluate(item, scope) for item in subtrees(node)]


def _object(node: Tree[Any], scope: Scope) -> Any:
    result: dict[str, Any] = {}
    unknown_key = False
    for element in subtrees(node):
        key_node, value_node = subtrees(element)[0], subtrees(element)[-1]
        key = _object_key(key_node, scope)
        value = evaluate(value_node, scope)
        if key is UNKNOWN:
            unknown_key = True
            continue
        result[key] = value
    return UNKNOWN if unknown_key else result


def _object_key(node: Tree[Any], scope: Scope) -> Any:
    inner = subtrees(node)[0] if subtrees(node) else None
    if inner is None:
        return name_of(node.children[0])
    if inner.data == "keyword" or _bare_identifier(inner):
        return name_of(inner)
    value, _ = unmark(evaluate(inner, scope))
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool | int | float):
        return to_string(value)
    if not isinstance(value, str):
        raise EvalError("an object key must be a string")
    return value


def _conditional(node: Tree[Any], scope: Scope) -> Any:
    condition, yes, no = subtrees(node)
    value, sensitive = unmark(evaluate(condition, scope))
    if value is UNKNOWN:
        return UNKNOWN
    chosen = yes if to_bool(value) else no
    return mark(evaluate(chosen, scope), sensitive)


def _unary(node: Tree[Any], scope: Scope) -> Any:
    operator = str(node.children[0]).strip()
    value, sensitive = unmark(evaluate(subtrees(node)[0], scope))
    if value is UNKNOWN:
        return UNKNOWN
    if operator == "!":
        return mark(not to_bool(value), sensitive)
    return mark(-to_number(value), sensitive)


def _binary(node: Tree[Any], scope: Scope) -> Any:
    left_node, term = subtrees(node)[0], subtrees(node)[1]
    operator_node, right_node = subtrees(term)
    operator = str(operator_node.children[0]).strip()
    left, left_mark = unmark(evaluate(left_node, scope))
    if operator == "&&" and left is False:
        return mark(False, left_mark)
    if operator == "||" and left is True:
        return mark(True, left_mark)
    right, right_mark = unmark(evaluate(right_node, scope))
    sensitive = left_mark or right_mark
    if operator in ("==", "!="):
        if contains_unknown(left) or contains_unknown(right):
            return UNKNOWN
        left_raw, _ = deep_unmark(left)
        right_raw, _ = deep_unmark(right)
        equal = _equal(left_raw, right_raw)
        return mark(equal if operator == "==" else not equal, sensitive)
    if left is UNKNOWN or right is UNKNOWN:
        if operator == "&&" and right is False:
            return mark(False, sensitive)
        if operator == "||" and right is True:
            return mark(True, sensitive)
        return UNKNOWN
    if operator in ("&&", "||"):
        p, q = to_bool(left), to_bool(right)
        return mark(p and q if operator == "&&" else p or q, sensitive)
    return mark(_arithmetic(operator, to_number(left), to_number(right)), sensitive)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator_module.add,
    "-": operator_module.sub,
    "*": operator_module.mul,
    "<": operator_module.lt,
    ">": operator_module.gt,
    "<=": operator_module.le,
    ">=": operator_module.ge,
}


def _arithmetic(operator: str, a: Any, b: Any) -> Any:
    """``a operator b`` for the arithmetic and comparison operators."""
    result: Any
    if operator in _ARITHMETIC:
        result = _ARITHMETIC[operator](a, b)
    elif operator == "/":
        if b == 0:
            raise EvalError("division by zero")
        result = a / b
    elif operator == "%":
        if b == 0:
            raise EvalError("modulo by zero")
        result = math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else _mod(a, b)
    else:
        raise EvalError(f"unknown operator {operator}")
    if isinstance(result, int) and result.bit_length() > MAX_DIGITS * 4:
        raise TooLarge(f"a number over {MAX_DIGITS} digits")
    return _normal_number(result)


def _mod(a: int, b: int) -> int:
    result = abs(a) % abs(b)
    return -result if a < 0 else result


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if type(a) is not type(b):
        return False
    return bool(a == b)


def _normal_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _function_call(node: Tree[Any], scope: Scope) -> Any:
    parts = subtrees(node)
    names = [p for p in parts if p.data == "identifier"]
    if len(names) != 1:
        return UNKNOWN  # provider-defined functions (provider::aws::...)
    name = str(names[0].children[0])
    argument_nodes: list[Any] = []
    expand = False
    for part in parts:
        if part.data == "arguments":
            argument_nodes = subtrees(part)
            expand = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in part.children)
    function = FUNCTIONS.get(name)
    if function is None:
        for argument in argument_nodes:  # still report errors in the arguments
            evaluate(argument, scope)
        return UNKNOWN
    if name in _LAZY_FUNCTIONS:
        return _LAZY_FUNCTIONS[name](argument_nodes, scope)
    args = [evaluate(a, scope) for a in argument_nodes]
    if expand:
        last, flag = unmark(args.pop())
        if last is UNKNOWN:
            return UNKNOWN
        if not isinstance(last, list):
            raise EvalError("... expands a list")
        args.extend(mark(item, flag) for item in last)
    return call(name, function, args)


def call(name: str, function: Callable[..., Any], args: list[Any]) -> Any:
    if name in STRUCTURAL:
        raw = []
        sensitive = False
        for arg in args:
            value, flag = unmark(arg)
            sensitive |= flag
            raw.append(value)
        if any(value is UNKNOWN for value in raw) and name not in _UNKNOWN_AWARE:
            return UNKNOWN
        return mark(function(*raw), sensitive)
    deep = []
    sensitive = False
    for arg in args:
        value, flag = deep_unmark(arg)
        sensitive |= flag
        if contains_unknown(value):
            return UNKNOWN
        deep.append(value)
    return mark(function(*deep), sensitive)


def _get_attr_term(node: Tree[Any], scope: Scope) -> Any:
    target_node, accessor = subtrees(node)
    target = evaluate(target_node, scope)
    name = name_of(subtrees(accessor)[0])
    return get_attr(target, name)


def get_attr(target: Any, name: str) -> Any:
    if isinstance(target, _Namespace):
        return _namespace_attr(target, name)
    if target is UNKNOWN:
        return UNKNOWN
    if isinstance(target, Sensitive):
        return mark(get_attr(target.value, name), True)
    if isinstance(target, dict):
        if name not in target:
            raise EvalError(f"no attribute {name!r}")
        return target[name]
    if is_lazy(target):
        return target.attribute(name)
    raise EvalError(f"cannot take attribute {name!r} of {type(target).__name__}")


def _namespace_attr(space: _Namespace, name: str) -> Any:
    scope = space.scope
    context = scope.context
    kind = space.kind
    if kind == "var":
        return context.variable(name)
    if kind == "local":
        return context.local(name)
    if kind == "module":
        return context.module(name)
    if kind == "path":
        return context.path(name)
    if kind == "terraform":
        return "default" if name == "workspace" else UNKNOWN
    if kind == "count":
        if name != "index" or scope.count_index is None:
            raise EvalError("count.index outside a resource with count")
        return scope.count_index
    if kind == "each":
        if scope.each is None:
            raise EvalError("each outside a resource with for_each")
        if name == "key":
            return scope.each[0]
        if name == "value":
            return scope.each[1]
        raise EvalError(f"each.{name}")
    if kind == "data":
        if not space.extra:
            return _Namespace("data", scope, name)
        return context.resource("data", space.extra, name)
    if kind == "resource":
        return context.resource("managed", space.extra, name)
    if kind == "self":
        return UNKNOWN
    raise EvalError(f"unknown namespace {kind}")


def _index_term(node: Tree[Any], scope: Scope) -> Any:
    target_node, index_node = subtrees(node)
    target = evaluate(target_node, scope)
    if index_node.data == "short_index":
        key: Any = int(str(children(index_node)[-1]))
    else:
        key = evaluate(subtrees(index_node)[0], scope)
    return index(target, key)


def index(target: Any, key: Any) -> Any:
    key, key_mark = unmark(key)
    if isinstance(target, _Namespace):
        if target.kind == "resource" or target.kind == "data":
            raise EvalError("index a resource after its name")
        raise EvalError(f"cannot index {target.kind}")
    if target is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    if isinstance(target, Sensitive):
        return mark(index(target.value, key), True)
    if isinstance(target, list):
        number = to_number(key)
        if not isinstance(number, int) and not float(number).is_integer():
            raise EvalError("a list index must be a whole number")
        position = int(number)
        if not 0 <= position < len(target):
            raise EvalError(f"index {position} out of range")
        return mark(target[position], key_mark)
    if isinstance(target, dict):
        text = to_string(key) if isinstance(key, int | float | bool) else key
        if not isinstance(text, str) or text not in target:
            raise EvalError(f"no element {key!r}")
        return mark(target[text], key_mark)
    raise EvalError(f"cannot index {type(target).__name__}")


def _splat(node: Tree[Any], scope: Scope) -> Any:
    target_node, splat = subtrees(node)
    target, sensitive = unmark(evaluate(target_node, scope))
    if target is UNKNOWN:
        return UNKNOWN
    if target is None:
        return []
    items = target if isinstance(target, list) else [target]
    steps = subtrees(splat)
    out = []
    for item in items:
        value = item
        for step in steps:
            if step.data == "get_attr":
                value = get_attr(value, name_of(subtrees(step)[0]))
            elif step.data == "short_index":
                value = index(value, int(str(children(step)[-1])))
            else:
                value = index(value, evaluate(subtrees(step)[0], scope))
        out.append(value)
    return mark(out, sensitive)


def _for_tuple(node: Tree[Any], scope: Scope) -> Any:
    parts = subtrees(node)
    intro = parts[0]
    body = parts[1]
    condition = _for_condition(parts)
    items = _for_items(intro, scope)
    if items is UNKNOWN:
        return UNKNOWN
    out: list[Any] = []
    for inner in items:
        _spend()
        if condition is not None:
            keep, _ = unmark(evaluate(condition, inner))
            if keep is UNKNOWN:
                return UNKNOWN
            if not to_bool(keep):
                continue
        out.append(evaluate(body, inner))
    return out


def _for_object(node: Tree[Any], scope: Scope) -> Any:
    parts = subtrees(node)
    intro, key_node, value_node = parts[0], parts[1], parts[2]
    grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
    condition = _for_condition(parts)
    items = _for_items(intro, scope)
    if items is UNKNOWN:
        return UNKNOWN
    out: dict[str, Any] = {}
    for inner in items:
        _spend()
        if condition is not None:
            keep, _ = unmark(evaluate(condition, inner))
            if keep is UNKNOWN:
                return UNKNOWN
            if not to_bool(keep):
                continue
        key, _ = unmark(evaluate(key_node, inner))
        if key is UNKNOWN:
            return UNKNOWN
        key = to_string(key)
        value = evaluate(value_node, inner)
        if grouping:
            out.setdefault(key, []).append(value)
        else:
            if key in out:
                raise EvalError(f"duplicate key {key!r} in a for expression")
            out[key] = value
    return out


def _for_condition(parts: list[Tree[Any]]) -> Tree[Any] | None:
    for part in parts:
        if part.data == "for_cond":
            return subtrees(part)[0]
    return None


def _for_items(intro: Tree[Any], scope: Scope) -> Any:
    parts = subtrees(intro)
    names = [str(p.children[0]) for p in parts if p.data == "identifier"]
    collection_node = next(p for p in parts if p.data != "identifier")
    collection, sensitive = unmark(evaluate(collection_node, scope))
    if collection is UNKNOWN:
        return UNKNOWN
    pairs = list(iterate(collection))
    if len(pairs) > MAX_ITEMS:
        raise EvalError("for expression over too many items")
    result = []
    for key, value in pairs:
        if len(names) == 2:
            bound = {names[0]: mark(key, sensitive), names[1]: mark(value, sensitive)}
        else:
            bound = {names[0]: mark(value, sensitive)}
        result.append(scope.child(**bound))
    return result


def iterate(collection: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs in Terraform's order: list positions, sorted map keys."""
    if isinstance(collection, list):
        yield from enumerate(collection)
    elif isinstance(collection, dict):
        for key in sorted(collection):
            yield key, collection[key]
    else:
        raise EvalError(f"cannot iterate over {type(collection).__name__}")


_HANDLERS: dict[str, Callable[[Tree[Any], Scope], Any]] = {
    "expr_term": _expr_term,
    "int_lit": _int_lit,
    "float_lit": _float_lit,
    "literal_value": _literal_value,
    "identifier": _identifier,
    "string": _string,
    "template_string": _template_string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "tuple": _tuple,
    "object": _object,
    "conditional": _conditional,
    "unary_op": _unary,
    "binary_op": _binary,
    "function_call": _function_call,
    "get_attr_expr_term": _get_attr_term,
    "index_expr_term": _index_term,
    "attr_splat_expr_term": _splat,
    "full_splat_expr_term": _splat,
    "for_tuple_expr": _for_tuple,
    "for_object_expr": _for_object,
}


# --------------------------------------------------------------------------- conversions


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise EvalError("null cannot be used as a string")
    raise EvalError(f"a {type(value).__name__} cannot be used as a string")


def to_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("a bool cannot be used as a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return _normal_number(float(value))  # type: ignore[no-any-return]
            except ValueError:
                raise EvalError(f"{value!r} is not a number") from None
    raise EvalError("not a number")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise EvalError("not a bool")


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    raise EvalError("not a list")


def _as_map(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise EvalError("not a map")


# --------------------------------------------------------------------------- functions


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | dict):
        return len(value)
    raise EvalError("length of a value that has none")


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        out.update(_as_map(item))
    return out


def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for item in lists:
        out.extend(_as_list(item))
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    mapping = _as_map(mapping)
    if key is UNKNOWN:
        return UNKNOWN
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvalError(f"no key {key!r}")


def _element(items: Any, position: Any) -> Any:
    items = _as_list(items)
    if position is UNKNOWN:
        return UNKNOWN
    if not items:
        raise EvalError("element of an empty list")
    return items[int(to_number(position)) % len(items)]


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is UNKNOWN:
            return UNKNOWN
        if value is not None and value != "":
            return value
    raise EvalError("no non-null argument")


def _coalescelist(*values: Any) -> Any:
    for value in values:
        if value is UNKNOWN:
            return UNKNOWN
        if _as_list(value):
            return value
    return []


def _flatten(items: Any) -> Any:
    out: list[Any] = []
    for item in _as_list(items):
        if item is UNKNOWN:
            return UNKNOWN
        value, flag = unmark(item)
        if isinstance(value, list):
            flat = _flatten(value)
            if flat is UNKNOWN:
                return UNKNOWN
            out.extend(mark(v, flag) for v in flat)
        else:
            out.append(item)
    return out


def _keys(mapping: Any) -> list[str]:
    return sorted(_as_map(mapping))


def _values(mapping: Any) -> list[Any]:
    mapping = _as_map(mapping)
    return [mapping[k] for k in sorted(mapping)]


def _set(items: Any) -> Any:
    items = _as_list(items)
    if any(item is UNKNOWN for item in items):
        return items
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    if all(isinstance(i, str) for i in out):
        return sorted(out)
    return out


def _tomap(mapping: Any) -> Any:
    return _as_map(mapping)


def _tolist(items: Any) -> Any:
    return list(_as_list(items))


def _contains(items: Any, value: Any) -> Any:
    items = _as_list(items)
    if value is UNKNOWN:
        return UNKNOWN
    raw, _ = deep_unmark(value)
    for item in items:
        item_raw, _ = deep_unmark(item)
        if contains_unknown(item_raw):
            continue
        if _equal(item_raw, raw):
            return True
    return UNKNOWN if any(contains_unknown(i) for i in items) else False


def _zipmap(keys: Any, values: Any) -> Any:
    keys, values = _as_list(keys), _as_list(values)
    if len(keys) != len(values):
        raise EvalError("zipmap of lists of different lengths")
    if any(k is UNKNOWN for k in keys):
        return UNKNOWN
    return {to_string(unmark(k)[0]): v for k, v in zip(keys, values, strict=True)}


def _one(items: Any) -> Any:
    items = _as_list(items)
    if not items:
        return None
    if len(items) > 1:
        raise EvalError("one() of a list with more than one element")
    return items[0]


def _slice(items: Any, start: Any, end: Any) -> Any:
    items = _as_list(items)
    if start is UNKNOWN or end is UNKNOWN:
        return UNKNOWN
    a, b = int(to_number(start)), int(to_number(end))
    if not 0 <= a <= b <= len(items):
        raise EvalError("slice out of range")
    return items[a:b]


def _reverse(items: Any) -> Any:
    return list(reversed(_as_list(items)))


def _distinct(items: Any) -> Any:
    out: list[Any] = []
    for item in _as_list(items):
        if item is UNKNOWN:
            return UNKNOWN
        if item not in out:
            out.append(item)
    return out


def _compact(items: Any) -> Any:
    out = []
    for item in _as_list(items):
        if item is UNKNOWN:
            return UNKNOWN
        raw, _ = unmark(item)
        if raw is not None and raw != "":
            out.append(item)
    return out


def _range(*args: Any) -> list[Any]:
    numbers = [to_number(a) for a in args]
    start: int | float
    stop: int | float
    step: int | float
    if len(numbers) == 1:
        start, stop, step = 0, numbers[0], 1
    elif len(numbers) == 2:
        start, stop, step = numbers[0], numbers[1], 1
    elif len(numbers) == 3:
        start, stop, step = numbers
    else:
        raise EvalError("range takes 1 to 3 arguments")
    if step == 0:
        raise EvalError("range step 0")
    if abs((stop - start) / step) > MAX_ITEMS:
        raise EvalError("range too large")
    out = []
    value = start
    while (value < stop) if step > 0 else (value > stop):
        out.append(_normal_number(value))
        value += step
    return out


def _join(separator: Any, *lists: Any) -> str:
    items: list[str] = []
    glue = to_string(separator)
    total = 0
    for item in lists:
        for value in _as_list(item):
            text = to_string(value)
            total += len(text) + len(glue)
            if total > MAX_VALUE_SIZE:
                raise TooLarge(f"a string over {MAX_VALUE_SIZE:,} characters")
            items.append(text)
    return glue.join(items)


def _split(separator: Any, text: Any) -> list[str]:
    sep, value = to_string(separator), to_string(text)
    if sep == "":
        return list(value)
    return value.split(sep)


def _format(spec: Any, *args: Any) -> str:
    spec = to_string(spec)
    out: list[str] = []
    position = 0
    i = 0
    pattern = re.compile(r"%(?:\[(\d+)\])?([-+ #0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")
    while i < len(spec):
        if spec[i] != "%":
            out.append(spec[i])
            i += 1
            continue
        match = pattern.match(spec, i)
        if match is None:
            raise EvalError("bad format verb")
        i = match.end()
        verb = match.group(5)
        if verb == "%":
            out.append("%")
            continue
        if match.group(1):
            position = int(match.group(1)) - 1
        if position >= len(args):
            raise EvalError("too few arguments for format")
        value = args[position]
        position += 1
        flags, width, precision = match.group(2), match.group(3), match.group(4)
        for number in (width, precision):
            if number and (len(number) > 6 or int(number) > MAX_FORMAT_WIDTH):
                raise TooLarge(f"a format width or precision over {MAX_FORMAT_WIDTH:,}")
        text = _verb(verb, value, precision)
        out.append(_pad(text, flags, width, verb) if width else text)
    return "".join(out)


def _verb(verb: str, value: Any, precision: str | None) -> str:
    """*value* formatted by one ``format`` verb (no width)."""
    if verb in ("s", "v"):
        return to_string(value) if not isinstance(value, list | dict) else json.dumps(value)
    if verb == "q":
        return json.dumps(to_string(value))
    if verb == "d":
        return str(int(to_number(value)))
    if verb in ("f", "F", "e", "g"):
        return f"%{'.' + precision if precision else ''}{verb}" % to_number(value)
    if verb in ("x", "X", "o", "b"):
        return format(int(to_number(value)), verb)
    if verb == "t":
        return to_string(to_bool(value))
    raise EvalError(f"format verb %{verb}")


def _pad(text: str, flags: str, width: str, verb: str) -> str:
    """*text* padded to *width* as the flags say (left-justified, zero-padded, or right)."""
    if "-" in flags:
        return text.ljust(int(width))
    if "0" in flags and verb in ("d", "f", "F"):
        return text.rjust(int(width), "0")
    return text.rjust(int(width))


def _formatlist(spec: Any, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist of lists of different lengths")
    count = lengths.pop() if lengths else 1
    return [
        _format(spec, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(count)
    ]


def _replace(text: Any, search: Any, replacement: Any) -> str:
    value, old, new = to_string(text), to_string(search), to_string(replacement)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        pattern = compile_re2(old[1:-1])
        if (len(value) + 1) * (len(new) + 1) > MAX_VALUE_SIZE:
            raise TooLarge(f"a replacement that could exceed {MAX_VALUE_SIZE:,} characters")
        return str(pattern.sub(re.sub(r"\$(\d+)", r"\\\1", new), value))
    matches = value.count(old) if old else len(value) + 1
    if len(value) + matches * len(new) > MAX_VALUE_SIZE:
        raise TooLarge(f"a string over {MAX_VALUE_SIZE:,} characters")
    return value.replace(old, new)


def _substr(text: Any, offset: Any, length: Any) -> str:
    value = to_string(text)
    start, size = int(to_number(offset)), int(to_number(length))
    if start < 0:
        start += len(value)
    return value[start:] if size < 0 else value[start : start + size]


def _title(text: Any) -> str:
    return re.sub(r"\b\w", lambda m: m.group().upper(), to_string(text))


def _trim(text: Any, chars: Any) -> str:
    return to_string(text).strip(to_string(chars))


def _jsonencode(value: Any) -> str:
    if size_over(value, MAX_VALUE_SIZE // 2):
        raise TooLarge(f"a value over {MAX_VALUE_SIZE:,} characters to encode")
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _jsondecode(text: Any) -> Any:
    try:
        return json.loads(to_string(text))
    except ValueError as exc:
        raise EvalError(f"invalid JSON: {exc}") from None


def _tonumber(value: Any) -> Any:
    if value is None:
        return None
    return to_number(value)


def _tostring(value: Any) -> Any:
    if value is None:
        return None
    return to_string(value)


def _tobool(value: Any) -> Any:
    if value is None:
        return None
    return to_bool(value)


def _min(*values: Any) -> Any:
    if not values:
        raise EvalError("min of nothing")
    return min(to_number(v) for v in values)


def _max(*values: Any) -> Any:
    if not values:
        raise EvalError("max of nothing")
    return max(to_number(v) for v in values)


def _sum(items: Any) -> Any:
    values = _as_list(items)
    if not values:
        raise EvalError("sum of an empty list")
    return _normal_number(sum(to_number(v) for v in values))


def _index_of(items: Any, value: Any) -> int:
    for position, item in enumerate(_as_list(items)):
        if _equal(item, value):
            return position
    raise EvalError("value not in list")


def _sort(items: Any) -> list[str]:
    return sorted(to_string(v) for v in _as_list(items))


def _setunion(*sets: Any) -> Any:
    out: list[Any] = []
    for item in sets:
        for value in _as_list(item):
            if value not in out:
                out.append(value)
    return _set(out)


def _setintersection(first: Any, *rest: Any) -> Any:
    out = [v for v in _set(first) if all(v in _as_list(r) for r in rest)]
    return _set(out)


def _setsubtract(first: Any, second: Any) -> Any:
    return _set([v for v in _as_list(first) if v not in _as_list(second)])


def _parseint(text: Any, base: Any) -> int:
    try:
        return int(to_string(text), int(to_number(base)))
    except ValueError:
        raise EvalError("cannot parse the integer") from None


def _chunklist(items: Any, size: Any) -> list[Any]:
    values, step = _as_list(items), int(to_number(size))
    if step <= 0:
        return [values]
    return [values[i : i + step] for i in range(0, len(values), step)]


def _matchkeys(values: Any, keys: Any, search: Any) -> list[Any]:
    values, keys, wanted = _as_list(values), _as_list(keys), _as_list(search)
    return [v for v, k in zip(values, keys, strict=False) if k in wanted]


def _base64encode(text: Any) -> str:
    return base64.b64encode(to_string(text).encode()).decode()


def _base64decode(text: Any) -> str:
    try:
        return base64.b64decode(to_string(text)).decode()
    except (ValueError, UnicodeDecodeError):
        raise EvalError("invalid base64") from None


def _hash(algorithm: str) -> Callable[[Any], str]:
    def digest(text: Any) -> str:
        return hashlib.new(algorithm, to_string(text).encode()).hexdigest()

    return digest


def compile_re2(pattern: str) -> Any:
    """A regular expression with RE2's semantics and linear-time matching, as Terraform's."""
    import re2  # google-re2

    options = re2.Options()
    options.log_errors = False
    options.max_mem = 32 << 20
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise InvalidArgument(
            f"invalid regular expression {pattern[:60]!r}: "
            f"{exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc}"
        ) from None


def _regex(pattern: Any, text: Any) -> Any:
    match = compile_re2(to_string(pattern)).search(to_string(text))
    if match is None:
        raise EvalError("no match")
    if match.groupdict():
        return dict(match.groupdict())
    if match.groups():
        return list(match.groups())
    return match.group()


def _try(nodes: list[Any], scope: Scope) -> Any:
    for node in nodes:
        try:
            value = evaluate(node, scope)
        except EvalError:
            continue
        return value
    raise EvalError("no try() argument could be evaluated")


def _can(nodes: list[Any], scope: Scope) -> Any:
    if len(nodes) != 1:
        raise EvalError("can() takes one argument")
    try:
        value = evaluate(nodes[0], scope)
    except EvalError:
        return False
    return UNKNOWN if contains_unknown(value) else True


_LAZY_FUNCTIONS: dict[str, Callable[[list[Any], Scope], Any]] = {"try": _try, "can": _can}

FUNCTIONS: dict[str, Callable[..., Any]] = {
    # collections (work on containers that may hold unknown or sensitive items)
    "length": _length,
    "merge": _merge,
    "concat": _concat,
    "lookup": _lookup,
    "element": _element,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "flatten": _flatten,
    "keys": _keys,
    "values": _values,
    "toset": _set,
    "tolist": _tolist,
    "tomap": _tomap,
    "contains": _contains,
    "zipmap": _zipmap,
    "one": _one,
    "slice": _slice,
    "reverse": _reverse,
    "distinct": _distinct,
    "compact": _compact,
    "try": _try,
    "can": _can,
    # values
    "range": _range,
    "join": _join,
    "split": _split,
    "format": _format,
    "formatlist": _formatlist,
    "replace": _replace,
    "substr": _substr,
    "upper": lambda s: to_string(s).upper(),
    "lower": lambda s: to_string(s).lower(),
    "title": _title,
    "trim": _trim,
    "trimspace": lambda s: to_string(s).strip(),
    "trimprefix": lambda s, p: to_string(s).removeprefix(to_string(p)),
    "trimsuffix": lambda s, p: to_string(s).removesuffix(to_string(p)),
    "chomp": lambda s: to_string(s).rstrip("\r\n"),
    "startswith": lambda s, p: to_string(s).startswith(to_string(p)),
    "endswith": lambda s, p: to_string(s).endswith(to_string(p)),
    "strcontains": lambda s, p: to_string(p) in to_string(s),
    "strrev": lambda s: to_string(s)[::-1],
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "abs": lambda n: abs(to_number(n)),
    "ceil": lambda n: math.ceil(to_number(n)),
    "floor": lambda n: math.floor(to_number(n)),
    "signum": lambda n: (to_number(n) > 0) - (to_number(n) < 0),
    "pow": lambda a, b: _normal_number(float(to_number(a)) ** float(to_number(b))),
    "min": _min,
    "max": _max,
    "sum": _sum,
    "index": _index_of,
    "sort": _sort,
    "setunion": _setunion,
    "setintersection": _setintersection,
    "setsubtract": _setsubtract,
    "parseint": _parseint,
    "chunklist": _chunklist,
    "matchkeys": _matchkeys,
    "base64encode": _base64encode,
    "base64decode": _base64decode,
    "md5": _hash("md5"),
    "sha1": _hash("sha1"),
    "sha256": _hash("sha256"),
    "sha512": _hash("sha512"),
    "regex": _regex,
}

#: Functions that take containers as they are (inner unknown or sensitive items kept).
STRUCTURAL = frozenset(
    {
        "length",
        "merge",
        "concat",
        "lookup",
        "element",
        "coalesce",
        "coalescelist",
        "flatten",
        "keys",
        "values",
        "toset",
        "tolist",
        "tomap",
        "contains",
        "zipmap",
        "one",
        "slice",
        "reverse",
        "distinct",
        "compact",
    }
)
#: Structural functions that decide for themselves what an unknown argument means.
_UNKNOWN_AWARE = frozenset({"coalesce", "coalescelist", "lookup", "element", "contains", "slice"})


def to_plain(value: Any) -> tuple[Any, Any, Any]:
    """Split a value into (known value, unknown marks, sensitive marks) as in plan JSON.

    The known value omits unknown parts (``None`` in their place inside lists); the
    marks are ``True`` at unknown or sensitive leaves and mirror the value's shape.
    """
    if value is UNKNOWN or is_lazy(value) or isinstance(value, _Namespace):
        return None, True, False
    if isinstance(value, Sensitive):
        inner, unknown, _ = to_plain(value.value)
        return inner, unknown, True
    if isinstance(value, list):
        items, unknowns, sensitives = [], [], []
        for item in value:
            known, unknown, sensitive = to_plain(item)
            items.append(known)
            unknowns.append(unknown)
            sensitives.append(sensitive)
        return (
            items,
            unknowns if any(u is not False for u in unknowns) else False,
            sensitives if any(s is not False for s in sensitives) else False,
        )
    if isinstance(value, dict):
        known_map: dict[str, Any] = {}
        unknown_map: dict[str, Any] = {}
        sensitive_map: dict[str, Any] = {}
        for key, item in value.items():
            known, unknown, sensitive = to_plain(item)
            if unknown is not True:
                known_map[key] = known
            if unknown is not False:
                unknown_map[key] = unknown
            if sensitive is not False:
                sensitive_map[key] = sensitive
        return known_map, unknown_map or False, sensitive_map or False
    return value, False, False


__all__ = [
    "FUNCTIONS",
    "UNKNOWN",
    "Context",
    "EvalError",
    "LazyObject",
    "Scope",
    "Sensitive",
    "contains_unknown",
    "evaluate",
    "mark",
    "name_of",
    "references",
    "subtrees",
    "to_plain",
    "traversal",
    "unmark",
]
