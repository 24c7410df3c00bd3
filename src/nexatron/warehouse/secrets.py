"""Scrub credentials out of driver messages before they reach exceptions, responses or logs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][\w+.-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@\s]*)@")
_KEY_VALUE = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|secret|token|private_key|credentials_json)\b\s*[=:]\s*)"
    r"(?P<q>['\"]?)(?!(?:yes|no)\b)(?P<val>[^'\"\s;&,)]+)(?P=q)",
    re.IGNORECASE,
)


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret (raw and URL-encoded) and any `password=...`-style value with ***."""
    out = text
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret), repr(secret)[1:-1]}:
            out = out.replace(form, MASK)
    out = _URL_USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", out)
    return _KEY_VALUE.sub(lambda m: f"{m['key']}{m['q']}{MASK}{m['q']}", out)


def first_line(text: str, limit: int = 400) -> str:
    """The first meaningful line of a driver message (drops stack traces and SQL echoes);
    a bare error-code line such as ClickHouse's "Code: 164." keeps the line after it."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) > 1 and re.fullmatch(r"code: \d+\.?", lines[0], re.IGNORECASE):
        return f"{lines[0]} {lines[1]}".removesuffix(" Stack trace:")[:limit]
    return lines[0].removesuffix(" Stack trace:")[:limit] if lines else ""
