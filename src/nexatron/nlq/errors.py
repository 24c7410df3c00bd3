"""Why a question was not answered: a refusal, a clarification, or a refused write request."""

from __future__ import annotations

from nexatron.errors import Unprocessable


class Refusal(Unprocessable):
    """Some words matched nothing (or the question cannot be expressed); detail names them."""


class Clarification(Unprocessable):
    """A word has two plausible readings; detail lists the candidates so a client can re-ask."""


class WriteRefused(Unprocessable):
    """The question asks to change data; refused before any SQL exists."""
