"""Why a question was not answered: a refusal, a clarification, or a refused write request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from nexatron.errors import Unprocessable


class Refusal(Unprocessable):
    """Some words matched nothing (or the question cannot be expressed); detail names them."""


class Clarification(Unprocessable):
    """A word has two plausible readings; detail lists the candidates so a client can re-ask."""


class WriteRefused(Unprocessable):
    """The question asks to change data; refused before any SQL exists."""


def refusal(
    message: str,
    *,
    unmatched: Iterable[str] = (),
    suggestions: Mapping[str, Sequence[str]] | None = None,
    **extra: Any,
) -> Refusal:
    """A refusal whose detail is `{message, unmatched, suggestions, **extra}` (the 422 body);
    no suggestions means empty lists of metrics and dimensions."""
    shown = suggestions if suggestions is not None else {"metrics": [], "dimensions": []}
    return Refusal(
        {"message": message, "unmatched": list(unmatched), "suggestions": shown, **extra}
    )


def clarification(
    message: str, *, ambiguous: str, candidates: Sequence[Mapping[str, Any]]
) -> Clarification:
    """A clarification whose detail is `{message, ambiguous, candidates}` (the 422 body)."""
    return Clarification(
        {"message": message, "ambiguous": ambiguous, "candidates": list(candidates)}
    )
