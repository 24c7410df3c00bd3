"""Character- and token-level checks made before the SQL is parsed.

The parser and the database must read the same text the same way. Invisible or look-alike
characters, and MySQL's executable comments (`/*! ... */`), are where they could disagree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sqlglot import TokenType
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import Token

from nexatron.guard.rejection import GuardRejected

MAX_SQL_LENGTH = 100_000
_ALLOWED_CONTROL = frozenset("\t\n\r")
_FIRST_TOKENS = frozenset({TokenType.SELECT, TokenType.WITH, TokenType.L_PAREN})
# ASCII characters that are neither printable nor an allowed control character.
_BAD_ASCII = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@lru_cache(maxsize=64)
def get_dialect(dialect: str) -> Dialect:
    """The sqlglot dialect instance for a name, built once (raises ValueError if unknown)."""
    return Dialect.get_or_raise(dialect)


def check_characters(sql: str) -> None:
    """Refuse control, format and non-ASCII space characters, and compatibility look-alikes."""
    if len(sql) > MAX_SQL_LENGTH:
        raise GuardRejected(f"SQL is longer than {MAX_SQL_LENGTH} characters.", reason="too_long")
    if "/*!" in sql or "/*M!" in sql:
        raise GuardRejected(
            "Executable comments (/*! ... */) are not allowed.", reason="executable_comment"
        )
    check_text(sql)


def check_text(text: str) -> None:
    """Refuse invisible, control and look-alike characters anywhere in `text`."""
    if text.isascii():
        bad = _BAD_ASCII.search(text)
        if bad is not None:
            _reject_character(bad.group(), bad.start())
        return
    for position, char in enumerate(text):
        if char.isascii() and (char.isprintable() or char in _ALLOWED_CONTROL):
            continue
        category = unicodedata.category(char)
        if category[0] in "CZ" or unicodedata.normalize("NFKC", char) != char:
            _reject_character(char, position)


def _reject_character(char: str, position: int) -> None:
    code = f"U+{ord(char):04X}"
    raise GuardRejected(
        f"Character {code} at position {position} is not allowed in SQL.", reason="character"
    )


def tokenize(sql: str, dialect: str) -> list[Token]:
    """The dialect's tokens for `sql`, or GuardRejected (reason `parse`)."""
    try:
        return get_dialect(dialect).tokenize(sql)
    except SqlglotError as error:
        raise GuardRejected(
            f"SQL could not be read: {_first_line(error)}", reason="parse"
        ) from error


def check_first_token(sql: str, dialect: str) -> None:
    """The statement must start with SELECT, WITH or '(' (so `SELEC broken` is refused)."""
    check_first_of(tokenize(sql, dialect))


def check_first_of(tokens: list[Token]) -> None:
    """`check_first_token` on already-tokenized SQL."""
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            continue
        if token.token_type not in _FIRST_TOKENS:
            raise GuardRejected(
                f"Only one read-only SELECT statement is allowed; it starts with {token.text!r}.",
                reason="statement_type",
            )
        return
    raise GuardRejected("The SQL is empty.", reason="empty")


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
