"""python-hcl2's post-lexer, copied so that a cached parser loads without importing python-hcl2.

Importing ``hcl2.postlexer`` runs ``hcl2/__init__`` (its transformer, reconstructor, builder:
about 11 ms), which parsing does not use. This is ``hcl2.postlexer.PostLexer`` of
python-hcl2 8.1.4, unchanged but for types and names; a test checks that parses with it
equal python-hcl2's own on every ``.tf`` fixture, and that the two sources still match.

python-hcl2 is Copyright 2017 Amplify Education, Inc., MIT licence: permission is granted
to use, copy, modify and distribute it provided the copyright and permission notices are
included in copies or substantial portions (see python-hcl2's LICENSE).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Token

#: Operator token types that may legally follow a line-continuation newline. MINUS is not
#: one: it is also unary negation (``a = 1`` then ``b = -2`` must stay two statements).
OPERATOR_TYPES = frozenset(
    {
        "DOUBLE_EQ",
        "NEQ",
        "LT",
        "GT",
        "LEQ",
        "GEQ",
        "ASTERISK",
        "SLASH",
        "PERCENT",
        "DOUBLE_AMP",
        "DOUBLE_PIPE",
        "PLUS",
        "QMARK",
    }
)


class PostLexer:
    """Merges a newline (or comment) into a binary operator that follows it, so that the
    LALR parser reads ``a\\n+ b`` as one expression."""

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        yield from self._merge_newlines_into_operators(stream)

    def _merge_newlines_into_operators(self, stream: Iterator[Token]) -> Iterator[Token]:
        pending_nl: Token | None = None
        for token in stream:
            if token.type == "NL_OR_COMMENT":
                if pending_nl is not None:
                    yield pending_nl
                pending_nl = token
            else:
                if pending_nl is not None:
                    if token.type in OPERATOR_TYPES:
                        token = token.update(value=str(pending_nl) + str(token))
                    else:
                        yield pending_nl
                    pending_nl = None
                yield token
        if pending_nl is not None:
            yield pending_nl

    @property
    def always_accept(self) -> tuple[()]:
        """Terminals the parser must accept even when not expected (Lark asks): none."""
        return ()
