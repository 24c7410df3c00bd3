"""What an uploaded file is, from its bytes (never from its name alone)."""

from __future__ import annotations

from typing import Literal

FileKind = Literal["duckdb", "sqlite", "csv", "parquet"]

EXTENSIONS: dict[str, FileKind] = {
    ".duckdb": "duckdb",
    ".db": "sqlite",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".csv": "csv",
    ".parquet": "parquet",
}


def sniff(head: bytes, tail: bytes) -> FileKind | None:
    """The kind the magic bytes say, or None. `head` is the first 4 KiB, `tail` the last 8 bytes."""
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if len(head) >= 12 and head[8:12] == b"DUCK":
        return "duckdb"
    if head.startswith(b"PAR1") and tail.endswith(b"PAR1"):
        return "parquet"
    if head and b"\x00" not in head and _is_text(head):
        return "csv"
    return None


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the 4 KiB boundary
    return True
