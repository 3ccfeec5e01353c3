"""The syntax tree of expressions and the Pratt parser that builds it.

Every node knows its position (for error messages) and its depth. The depth
is bounded by :data:`~openpas.expr.limits.MAX_DEPTH` while parsing, so the
recursive checker, compiler and the nested closures they produce can never
exceed Python's recursion limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from openpas.errors import ExpressionError
from openpas.expr.limits import MAX_DEPTH
from openpas.expr.scope import PREFIXES
from openpas.expr.tokens import T, Token, tokenize
from openpas.expr.values import NOT_SET, Currency

# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True, eq=False, slots=True)
class Node:
    """A node of the syntax tree: ``line``/``column`` of its first token, source offsets."""

    line: int
    column: int
    start: int
    end: int
    depth: int = field(default=1, kw_only=True)


@dataclass(frozen=True, eq=False, slots=True)
class Literal(Node):
    value: Any = None


@dataclass(frozen=True, eq=False, slots=True)
class ListLiteral(Node):
    items: tuple[Node, ...] = ()


@dataclass(frozen=True, eq=False, slots=True)
class Name(Node):
    """A variable: ``prefix`` is ``Process``, ``Local``, ``Flow`` or None."""

    prefix: str | None = None
    name: str = ""


@dataclass(frozen=True, eq=False, slots=True)
class FieldAccess(Node):
    target: Node | None = None
    name: str = ""
    name_line: int = 0
    name_column: int = 0


@dataclass(frozen=True, eq=False, slots=True)
class Index(Node):
    target: Node | None = None
    index: Node | None = None


@dataclass(frozen=True, eq=False, slots=True)
class Call(Node):
    name: str = ""
    args: tuple[Node, ...] = ()


@dataclass(frozen=True, eq=False, slots=True)
class Unary(Node):
    """``-x``, ``+x`` or ``not x``; ``op_line``/``op_column`` locate the operator."""

    op: str = ""
    operand: Node | None = None


@dataclass(frozen=True, eq=False, slots=True)
class Binary(Node):
    """Arithmetic, ``&``, comparisons, ``in`` and ``not in``."""

    op: str = ""
    left: Node | None = None
    right: Node | None = None
    op_line: int = 0
    op_column: int = 0


@dataclass(frozen=True, eq=False, slots=True)
class Logical(Node):
    """``a and b and c`` or ``a or b``: one node for a whole chain, so long chains stay shallow."""

    op: str = ""
    operands: tuple[Node, ...] = ()


@dataclass(frozen=True, eq=False, slots=True)
class IsSet(Node):
    operand: Node | None = None
    negated: bool = False


@dataclass(frozen=True, eq=False, slots=True)
class Conditional(Node):
    condition: Node | None = None
    then: Node | None = None
    otherwise: Node | None = None


# --------------------------------------------------------------------------- parser

N = TypeVar("N", bound=Node)

COMPARISONS: Final = frozenset({"=", "==", "!=", "<>", "<", "<=", ">", ">=", "in", "not in"})

# Binding powers (left, right); higher binds tighter. Comparisons do not chain.
_INFIX: Final[dict[str, tuple[int, int]]] = {
    "or": (1, 2),
    "and": (3, 4),
    **dict.fromkeys(COMPARISONS, (5, 6)),
    "is": (5, 6),
    "+": (7, 8),
    "-": (7, 8),
    "&": (7, 8),
    "*": (9, 10),
    "/": (9, 10),
    "//": (9, 10),
    "%": (9, 10),
    "^": (14, 13),  # right-associative, and tighter than unary minus: -2^2 = -4
}
_NOT_BP: Final = 5
_UNARY_BP: Final = 11
_POSTFIX_BP: Final = 15


def _too_deep(token: Token) -> ExpressionError:
    return ExpressionError(
        f"the expression is nested too deeply; the limit is {MAX_DEPTH} levels",
        token.line,
        token.column,
    )


class Parser:
    """Parses one expression; use :func:`parse`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.pos = 0
        self.nesting = 0
        self.calls = 0

    # -- helpers

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind is not T.END:
            self.pos += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.token
        return token.kind in (T.OP, T.KEYWORD) and token.text in texts

    def expect(self, text: str, context: str) -> Token:
        if not self.at(text):
            token = self.token
            raise ExpressionError(
                f"expected '{text}' {context}, found {token.describe()}", token.line, token.column
            )
        return self.advance()

    def node(self, cls: type[N], first: Token | Node, *children: Node | None, **kw: Any) -> N:
        """Build a node spanning from ``first`` to the last token read, checking its depth."""
        depth = 1 + max((c.depth for c in children if c is not None), default=0)
        if depth > MAX_DEPTH:
            raise _too_deep(self.token)
        end = self.tokens[self.pos - 1].end if self.pos else 0
        return cls(first.line, first.column, first.start, end, depth=depth, **kw)

    def enter(self, token: Token) -> None:
        # Counts recursive descents that precedence alone does not bound (brackets,
        # prefix operators, right operands of ^), so parsing cannot exhaust the stack.
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise _too_deep(token)

    # -- grammar

    def parse(self) -> Node:
        if self.token.kind is T.END:
            raise ExpressionError("the expression is empty", 1, 1)
        tree = self.expression(0)
        token = self.token
        if token.kind is not T.END:
            hint = ""
            if token.text == "(":
                hint = "; only library functions can be called, by name, e.g. Upper(Name)"
            raise ExpressionError(
                f"unexpected {token.describe()} after a complete expression{hint}",
                token.line,
                token.column,
            )
        return tree

    def expression(self, min_bp: int) -> Node:
        left = self.prefix()
        chained: str | None = None
        while True:
            token = self.token
            op = token.text if token.kind in (T.OP, T.KEYWORD) else ""
            if op == "not" and self.tokens[self.pos + 1].text == "in":
                op = "not in"
            if op in ("(", ".", "[") and min_bp <= _POSTFIX_BP:
                left = self.postfix(left)
                continue
            bp = _INFIX.get(op)
            if bp is None or bp[0] < min_bp:
                return left
            if chained is not None and bp[0] == _INFIX["="][0]:
                raise ExpressionError(
                    f"comparisons cannot be chained ('{chained}' then '{op}');"
                    " join them with and: a < b and b < c",
                    token.line,
                    token.column,
                )
            self.advance()
            if op == "not in":
                self.advance()
            if op == "is":
                negated = bool(self.at("not")) and self.advance() is not None
                self.expect("set", "after 'is' (write 'x is set' or 'x is not set')")
                left = self.node(IsSet, left, left, operand=left, negated=negated)
            elif op in ("and", "or"):
                right = self.expression(bp[1])
                parts = (*left.operands, right) if _is_chain(left, op) else (left, right)  # type: ignore[attr-defined]
                children = max(parts, key=lambda n: n.depth)
                left = self.node(Logical, left, children, op=op, operands=parts)
            else:
                if op == "^":
                    self.enter(token)
                right = self.expression(bp[1])
                if op == "^":
                    self.nesting -= 1
                left = self.node(
                    Binary,
                    left,
                    left,
                    right,
                    op=op,
                    left=left,
                    right=right,
                    op_line=token.line,
                    op_column=token.column,
                )
            chained = op if bp[0] == _INFIX["="][0] else None

    def prefix(self) -> Node:
        token = self.advance()
        kind, text = token.kind, token.text
        if kind in (T.NUMBER, T.STRING, T.CURRENCY, T.DURATION):
            return self.node(Literal, token, value=token.value)
        if kind is T.KEYWORD and text in ("true", "false", "NotSet"):
            value = {"true": True, "false": False, "NotSet": NOT_SET}[text]
            return self.node(Literal, token, value=value)
        if kind is T.NAME:
            return self.name(token)
        if text in ("-", "+", "not") and kind in (T.OP, T.KEYWORD):
            self.enter(token)
            operand = self.expression(_NOT_BP if text == "not" else _UNARY_BP)
            self.nesting -= 1
            if text == "-" and isinstance(operand, Literal) and _negatable(operand.value):
                # Fold -650 and -5 EUR into literals, so -9223372036854775808 is in range.
                return self.node(Literal, token, value=_negate(operand.value))
            return self.node(Unary, token, operand, op=text, operand=operand)
        if text == "(" and kind is T.OP:
            self.enter(token)
            inner = self.expression(0)
            self.expect(")", "to close the '(' at line {}, column {}".format(*_pos(token)))
            self.nesting -= 1
            return inner
        if text == "[" and kind is T.OP:
            self.enter(token)
            items = self.arguments("]", token)
            self.nesting -= 1
            return self.node(ListLiteral, token, *items, items=items)
        if text == "if" and kind is T.KEYWORD:
            self.enter(token)
            condition = self.expression(0)
            self.expect("then", "after the condition of 'if'")
            then = self.expression(0)
            self.expect("else", "after the 'then' part of 'if' (every if needs an else)")
            otherwise = self.expression(0)
            self.nesting -= 1
            return self.node(
                Conditional,
                token,
                condition,
                then,
                otherwise,
                condition=condition,
                then=then,
                otherwise=otherwise,
            )
        what = token.describe()
        raise ExpressionError(f"expected a value, found {what}", token.line, token.column)

    def name(self, token: Token) -> Node:
        word = token.text
        if word in PREFIXES and self.at(".") and self.tokens[self.pos + 1].kind is T.NAME:
            self.advance()
            name = self.advance()
            return self.node(Name, token, prefix=word, name=name.text)
        if self.at("("):
            self.enter(token)
            self.advance()
            args = self.arguments(")", token)
            self.nesting -= 1
            return self.node(Call, token, *args, name=word, args=args)
        return self.node(Name, token, prefix=None, name=word)

    def arguments(self, closer: str, opener: Token) -> tuple[Node, ...]:
        items: list[Node] = []
        context = "or ',' in the list" if closer == "]" else "or ',' between arguments"
        while not self.at(closer):
            items.append(self.expression(0))
            if not self.at(closer):
                self.expect(",", f"{context} opened at line {opener.line}, column {opener.column}")
                if self.at(closer):
                    break
        self.advance()
        return tuple(items)

    def postfix(self, target: Node) -> Node:
        token = self.advance()
        if token.text == ".":
            name = self.advance()
            if name.kind is not T.NAME:
                raise ExpressionError(
                    f"expected a field name after '.', found {name.describe()}",
                    name.line,
                    name.column,
                )
            if self.at("("):
                raise ExpressionError(
                    f"method calls such as .{name.text}(...) are not supported;"
                    " use a library function, e.g. Upper(Name)",
                    name.line,
                    name.column,
                )
            return self.node(
                FieldAccess,
                target,
                target,
                target=target,
                name=name.text,
                name_line=name.line,
                name_column=name.column,
            )
        if token.text == "[":
            self.enter(token)
            index = self.expression(0)
            self.expect("]", "to close the index")
            self.nesting -= 1
            return self.node(Index, target, target, index, target=target, index=index)
        raise ExpressionError(
            "only library functions can be called, by name, e.g. Upper(Name)",
            token.line,
            token.column,
        )


def _is_chain(node: Node, op: str) -> bool:
    return isinstance(node, Logical) and node.op == op


def _pos(token: Token) -> tuple[int, int]:
    return token.line, token.column


def _negatable(value: Any) -> bool:
    return isinstance(value, Currency) or (
        not isinstance(value, bool) and hasattr(value, "__neg__") and value is not NOT_SET
    )


def _negate(value: Any) -> Any:
    if isinstance(value, Currency):
        return Currency(-value.amount, value.code)
    return -value


def parse(source: str) -> Node:
    """Parse ``source`` into a syntax tree.

    Raises:
        ExpressionError: with the line and column of the offending token.
    """
    return Parser(source).parse()
