"""A layer defined entirely through the API, then asked in plain English: every answer equals
hand-written SQL on the same file; edits to the layer show up in the very next answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from nexatron.testing import Harness

from .sem_library import Library

pytestmark = pytest.mark.anyio

JOIN_ALL = (
    "FROM loans l JOIN books b ON l.book_id = b.id JOIN members m ON l.member_id = m.id "
    "JOIN branches br ON b.branch_id = br.id"
)


async def ask(harness: Harness, library: Library, question: str) -> httpx.Response:
    return await harness.as_(
        harness.tenant.analyst,
        "POST",
        "/api/v1/query",
        json={"question": question, "connection_id": library.connection_id},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def rows_of(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    names = [c["name"] for c in body["columns"]]
    return [tuple(_plain(row[n]) for n in names) for row in body["data"]]


def expect(library: Library, query: str) -> list[tuple[Any, ...]]:
    return [tuple(_plain(v) for v in row) for row in library.sql(query)]


async def answer_rows(harness: Harness, library: Library, question: str) -> list[tuple[Any, ...]]:
    response = await ask(harness, library, question)
    assert response.status_code == 200, (question, response.text)
    return rows_of(response.json())


async def test_questions_match_hand_written_sql(harness: Harness, library: Library) -> None:
    cases = [
        ("total late fees", "SELECT SUM(late_fee) FROM loans", False),
        ("number of loans", "SELECT COUNT(*) FROM loans", False),
        (
            "number of loans by genre",
            f"SELECT b.genre, COUNT(*) {JOIN_ALL} GROUP BY 1",
            True,
        ),
        (
            "number of loans in 2024",
            "SELECT COUNT(*) FROM loans WHERE loan_date >= '2024-01-01' "
            "AND loan_date < '2025-01-01'",
            False,
        ),
        (
            "late fees for students",
            f"SELECT SUM(l.late_fee) {JOIN_ALL} WHERE m.membership = 'student'",
            False,
        ),
        (
            "top 2 branches by number of loans",
            f"SELECT br.name, COUNT(*) AS n {JOIN_ALL} GROUP BY 1 ORDER BY n DESC LIMIT 2",
            False,
        ),
        (
            "borrowers by membership in 2025",
            f"SELECT m.membership, COUNT(DISTINCT l.member_id) {JOIN_ALL} "
            "WHERE l.loan_date >= '2025-01-01' AND l.loan_date < '2026-01-01' GROUP BY 1",
            True,
        ),
        (
            "fee per loan by city",
            f"SELECT br.city, SUM(l.late_fee) / COUNT(*) {JOIN_ALL} GROUP BY 1",
            True,
        ),
    ]
    for question, query, unordered in cases:
        got = await answer_rows(harness, library, question)
        want = expect(library, query)
        if unordered:
            got, want = sorted(got), sorted(want)
        assert len(got) == len(want) and got, (question, got, want)
        for g, w in zip(got, want, strict=True):
            assert g == pytest.approx(w), (question, got, want)


async def test_monthly_trend_in_a_year(harness: Harness, library: Library) -> None:
    response = await ask(harness, library, "monthly checkouts in 2025")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["plan"]["query"]["time"]["grain"] == "month"
    got = [(str(r[0])[:7], r[1]) for r in rows_of(body)]
    want = expect(
        library,
        "SELECT strftime(date_trunc('month', loan_date), '%Y-%m'), COUNT(*) FROM loans "
        "WHERE loan_date >= '2025-01-01' AND loan_date < '2026-01-01' GROUP BY 1 ORDER BY 1",
    )
    assert len(want) == 12 and sorted(got) == want


async def test_an_edit_shows_in_the_next_answer(harness: Harness, library: Library) -> None:
    admin = harness.tenant.admin
    [(total,)] = expect(library, "SELECT SUM(late_fee) FROM loans")
    first = await ask(harness, library, "total late fees")
    assert rows_of(first.json()) == [(pytest.approx(total),)]
    again = await ask(harness, library, "total late fees")
    assert again.json()["cached"] is True

    url = f"/api/v1/semantic/metrics/{library.ids['late_fees']}"
    changed = await harness.as_(admin, "PATCH", url, json={"expr": "late_fee * 2"})
    assert changed.status_code == 200, changed.text
    after = await ask(harness, library, "total late fees")
    assert after.json()["cached"] is False
    assert rows_of(after.json()) == [(pytest.approx(2 * total),)]

    # a new synonym is understood at once (the lexicon follows the layer version)
    unknown = await ask(harness, library, "total penalties")
    assert unknown.status_code == 422, unknown.text
    synonyms = {"synonyms": ["fines", "penalties"]}
    assert (await harness.as_(admin, "PATCH", url, json=synonyms)).status_code == 200
    assert rows_of((await ask(harness, library, "total penalties")).json()) == [
        (pytest.approx(2 * total),)
    ]

    # a new dimension value filter and a deleted metric
    [(harbour,)] = expect(
        library,
        f"SELECT COUNT(*) {JOIN_ALL} WHERE br.name = 'Harbour'",
    )
    assert await answer_rows(harness, library, "number of loans at Harbour") == [(harbour,)]
    ratio = f"/api/v1/semantic/metrics/{library.ids['fee_per_loan']}"
    assert (await harness.as_(admin, "DELETE", ratio)).status_code == 204
    gone = await ask(harness, library, "fee per loan")
    assert gone.status_code == 422, gone.text


async def test_a_taught_value_word_filters_on_its_value(harness: Harness, library: Library) -> None:
    """Another word for one value (the web app's "teach Nexatron" for values): PATCH the
    dimension's value_synonyms and the next question reads the word as that value."""
    admin = harness.tenant.admin
    [(harbour,)] = expect(library, f"SELECT COUNT(*) {JOIN_ALL} WHERE br.name = 'Harbour'")
    unknown = await ask(harness, library, "number of loans at the docks")
    assert unknown.status_code == 422, unknown.text
    assert "docks" in " ".join(unknown.json()["detail"]["unmatched"])

    url = f"/api/v1/semantic/dimensions/{library.ids['branch']}"
    blank = await harness.as_(admin, "PATCH", url, json={"value_synonyms": {"Harbour": [" "]}})
    assert blank.status_code == 422, blank.text
    assert "value_synonyms" in blank.text
    taught = {"value_synonyms": {"Harbour": ["the docks"]}}
    changed = await harness.as_(admin, "PATCH", url, json=taught)
    assert changed.status_code == 200, changed.text
    assert changed.json()["value_synonyms"] == {"Harbour": ["the docks"]}

    answer = await ask(harness, library, "number of loans at the docks")
    assert answer.status_code == 200, answer.text
    assert rows_of(answer.json()) == [(harbour,)]
    assert "'Harbour'" in answer.json()["sql"]
