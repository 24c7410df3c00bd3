"""One breadth-first walk applying every node rule, dispatching on a per-class verdict.

Each node class is classified once (statement, function, table, ...) and the verdict cached, so a
check costs one pass over the tree. With `texts=True` the walk also refuses text leaves that the
SQL generator would print verbatim (unquoted identifiers, numbers, variables, keywords), so a tree
that was built rather than parsed cannot smuggle SQL through a leaf.
"""

from __future__ import annotations

import re

from sqlglot import exp

from nexatron.guard.functions import (
    NAMED_FUNCTION_CLASSES,
    SAFE_FUNCTION_NAMES,
    function_name,
    is_allowed_class,
)
from nexatron.guard.prechecks import check_text
from nexatron.guard.rejection import GuardRejected

_STATEMENT_MODULES = frozenset(
    {
        "sqlglot.expressions.ddl",
        "sqlglot.expressions.dml",
        "sqlglot.expressions.properties",
        "sqlglot.expressions.constraints",
    }
)
_FORBIDDEN_NODE_NAMES = frozenset(
    {
        "Into",
        "Lock",
        "Grant",
        "Revoke",
        "Cache",
        "Uncache",
        "Refresh",
        "LockingStatement",
        "SessionParameter",
        "Put",
        "Get",
        "ListStage",
        "StoredProcedure",
        "Block",
        "IfBlock",
        "WhileBlock",
        "LoopBlock",
        "RepeatBlock",
        "Return",
        "Leave",
        "Iterate",
        "MultitableInserts",
        "ConditionalInsert",
        "AddPartition",
        "DropPartition",
        "ReplacePartition",
        "Analyze",
        "Semicolon",
        "TableFromRows",
    }
)

# Per-class verdicts (0 means "nothing to check on this node itself").
_PLAIN, _STATEMENT, _NAMED_FUNC, _DENIED_FUNC, _TABLE, _FROM_ONLY, _CTE, _PARAMETER = range(8)
_IDENTIFIER, _LITERAL, _VAR, _NATIONAL = range(8, 12)
# Bind parameters and variables (`$1`, `?`, `@name`): nothing binds them here, and sqlglot may
# print them back as something else (`@` + newline + `@version` becomes `@@version`).
_PARAMETER_NAMES = frozenset({"Parameter", "Placeholder"})
_VERDICTS: dict[type, int] = {}

_WORD = re.compile(r"[\w$]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_$]+")
_VAR_WORD = re.compile(r"[\w$@]+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_KEYWORDS = re.compile(r"[A-Za-z_]+(?: [A-Za-z_]+)?|")


def node_kind(node: exp.Expr) -> str:
    """What a refused node is called in messages (`DELETE`, `INSERT`, `COMMIT`)."""
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return node.key.upper()


def _classify(cls: type) -> int:
    if cls.__module__ in _STATEMENT_MODULES or cls.__name__ in _FORBIDDEN_NODE_NAMES:
        return _STATEMENT
    if cls.__name__ in _PARAMETER_NAMES:
        return _PARAMETER
    if issubclass(cls, exp.Func):
        if issubclass(cls, NAMED_FUNCTION_CLASSES):
            return _NAMED_FUNC
        if not is_allowed_class(cls):
            return _DENIED_FUNC
    checks: list[tuple[type | tuple[type, ...], int]] = [
        (exp.Table, _TABLE),
        ((exp.Unnest, exp.Lateral), _FROM_ONLY),
        (exp.CTE, _CTE),
        (exp.Identifier, _IDENTIFIER),
        (exp.Literal, _LITERAL),
        (exp.Var, _VAR),
        (exp.National, _NATIONAL),
    ]
    for base, verdict in checks:
        if issubclass(cls, base):
            return verdict
    return _PLAIN


def verdict_of(cls: type) -> int:
    """The cached verdict for a node class."""
    verdict = _VERDICTS.get(cls)
    if verdict is None:
        verdict = _VERDICTS[cls] = _classify(cls)
    return verdict


def walk_rules(root: exp.Expr, *, texts: bool) -> tuple[list[exp.Table], set[str]]:
    """Apply the node rules to every node; return the table references and CTE names seen."""
    tables: list[exp.Table] = []
    ctes: set[str] = set()
    queue: list[exp.Expr] = [root]
    index = 0
    verdicts = _VERDICTS
    while index < len(queue):
        node = queue[index]
        index += 1
        cls = type(node)
        verdict = verdicts.get(cls)
        if verdict is None:
            verdict = verdict_of(cls)
        if verdict:
            _apply(node, verdict, texts, tables, ctes)
        if texts and node.comments:
            _check_comments(node.comments)
        for value in node.args.values():
            if isinstance(value, exp.Expr):
                queue.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, exp.Expr):
                        queue.append(item)
                    elif texts and isinstance(item, str):
                        _check_keyword(item)
            elif texts and isinstance(value, str) and verdict < _IDENTIFIER:
                _check_keyword(value)
    return tables, ctes


def _apply(
    node: exp.Expr, verdict: int, texts: bool, tables: list[exp.Table], ctes: set[str]
) -> None:
    if verdict == _STATEMENT:
        raise GuardRejected(
            f"Only one read-only SELECT statement is allowed; found {node_kind(node)}.",
            reason="statement_type",
        )
    if verdict == _PARAMETER:
        raise GuardRejected(
            "Parameters and variables ($1, ?, @name) are not allowed; write values into the query.",
            reason="parameter",
        )
    if verdict == _DENIED_FUNC or (
        verdict == _NAMED_FUNC and function_name(node) not in SAFE_FUNCTION_NAMES  # type: ignore[arg-type]
    ):
        raise GuardRejected(
            f"Function {function_name(node).upper()} is not allowed.",  # type: ignore[arg-type]
            reason="function",
        )
    if verdict == _TABLE:
        if not isinstance(node.this, exp.Identifier):
            raise GuardRejected(
                "Table functions are not allowed in FROM; read from tables only.",
                reason="table_function",
            )
        tables.append(node)  # type: ignore[arg-type]
    elif verdict == _FROM_ONLY:
        if isinstance(node.parent, exp.From | exp.Join):
            raise GuardRejected(
                f"{node.key.upper()} is not allowed in FROM; read from tables only.",
                reason="table_function",
            )
    elif verdict == _CTE:
        ctes.add(node.alias_or_name.lower())
    elif texts and verdict >= _IDENTIFIER:
        _check_leaf(node, verdict)


def _check_leaf(node: exp.Expr, verdict: int) -> None:
    text = node.this
    if not isinstance(text, str):
        raise GuardRejected(f"{type(node).__name__} has no text.", reason="text")
    if text.isascii() and (
        (verdict == _IDENTIFIER and _ASCII_WORD.fullmatch(text))
        or (verdict == _LITERAL and not node.args.get("is_string") and _NUMBER.fullmatch(text))
    ):
        return  # a plain ASCII name or number: nothing below could refuse it
    check_text(text)
    if verdict == _IDENTIFIER:
        if not node.args.get("quoted") and not _WORD.fullmatch(text):
            raise GuardRejected(
                f"Unquoted identifier {text[:60]!r} is not a plain name.", reason="text"
            )
    elif verdict == _LITERAL:
        if not node.args.get("is_string") and not _NUMBER.fullmatch(text):
            raise GuardRejected(f"Number literal {text[:60]!r} is not a number.", reason="text")
    elif verdict == _VAR and not _VAR_WORD.fullmatch(text):
        raise GuardRejected(f"Keyword {text[:60]!r} is not a plain word.", reason="text")


def _check_keyword(text: str) -> None:
    if not _KEYWORDS.fullmatch(text):
        raise GuardRejected(f"Keyword {text[:60]!r} is not a plain word.", reason="text")


def _check_comments(comments: list[str]) -> None:
    for comment in comments:
        if comment.startswith(("!", "M!")):
            raise GuardRejected(
                "Executable comments (/*! ... */) are not allowed.", reason="executable_comment"
            )
        check_text(comment)
