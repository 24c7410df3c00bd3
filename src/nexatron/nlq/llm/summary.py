"""Guard for LLM-phrased summaries: the model may reword, never add a number or a long story."""

from __future__ import annotations

import json
import re
from typing import Any

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
MAX_SUMMARY = 400


def _numbers(text: str) -> set[str]:
    """Digits of every number, separators removed: '$1,284,350.00' -> '1284350.00'."""
    return {m.group(0).replace(",", "") for m in _NUMBER.finditer(text)}


def checked_rephrasing(text: str, facts: dict[str, Any], draft: str, *, truncated: bool) -> str:
    """`text` when it is one short sentence whose numbers all occur in the facts or the draft."""
    if truncated or not text or len(text) > MAX_SUMMARY or "\n" in text.strip():
        return draft
    known = _numbers(draft) | _numbers(json.dumps(facts, default=str))
    if not _numbers(text) <= known:
        return draft
    return text
