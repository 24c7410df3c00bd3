"""Relative dates: half-open local-date ranges from an injected now, zone and calendar settings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nexatron.errors import Unprocessable
from nexatron.semantic.dates import DateContext, find_time_expressions, resolve

D = dt.date
NOW = DateContext(now=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))  # a Sunday


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("today", D(2026, 3, 15), D(2026, 3, 16)),
        ("yesterday", D(2026, 3, 14), D(2026, 3, 15)),
        ("this week", D(2026, 3, 9), D(2026, 3, 16)),
        ("last week", D(2026, 3, 2), D(2026, 3, 9)),
        ("next month", D(2026, 4, 1), D(2026, 5, 1)),
        ("last quarter", D(2025, 10, 1), D(2026, 1, 1)),
        ("this year", D(2026, 1, 1), D(2027, 1, 1)),
        ("last 3 months", D(2025, 12, 1), D(2026, 3, 1)),
        # 'last N days' is today and the N days before it (issue 12's dev-set convention);
        # 'past N days' stays the N days ending today
        ("last 7 days", D(2026, 3, 8), D(2026, 3, 16)),
        ("previous 14 days", D(2026, 3, 1), D(2026, 3, 16)),
        ("past 30 days", D(2026, 2, 14), D(2026, 3, 16)),
        # qualifiers: one range each
        ("past 30 days, inclusive of 30 days ago", D(2026, 2, 13), D(2026, 3, 16)),
        ("last 7 days, not counting today", D(2026, 3, 8), D(2026, 3, 15)),
        ("past 3 months", D(2025, 12, 16), D(2026, 3, 16)),
        ("ytd", D(2026, 1, 1), D(2026, 3, 16)),
        ("quarter to date", D(2026, 1, 1), D(2026, 3, 16)),
        ("in 2025", D(2025, 1, 1), D(2026, 1, 1)),
        ("in March 2025", D(2025, 3, 1), D(2025, 4, 1)),
        ("in March", D(2026, 3, 1), D(2026, 4, 1)),
        ("in May", D(2025, 5, 1), D(2025, 6, 1)),
        ("Q3 2025", D(2025, 7, 1), D(2025, 10, 1)),
        ("Q4", D(2025, 10, 1), D(2026, 1, 1)),
        ("between March and June 2025", D(2025, 3, 1), D(2025, 7, 1)),
        ("from November to February", D(2025, 11, 1), D(2026, 3, 1)),
        ("from 2023 to 2024", D(2023, 1, 1), D(2025, 1, 1)),
        ("2025-03-05", D(2025, 3, 5), D(2025, 3, 6)),
        ("last fiscal year", D(2025, 1, 1), D(2026, 1, 1)),
        ("FY2025", D(2025, 1, 1), D(2026, 1, 1)),
    ],
)
def test_closed_ranges(phrase: str, start: dt.date, end: dt.date) -> None:
    tr = resolve(phrase, NOW)
    assert (tr.start, tr.end) == (start, end)


def test_open_ranges_and_labels() -> None:
    assert (resolve("since January", NOW).start, resolve("since January", NOW).end) == (
        D(2026, 1, 1),
        None,
    )
    assert resolve("before 2024", NOW).end == D(2024, 1, 1)
    assert resolve("after 2023", NOW).start == D(2024, 1, 1)
    assert "complete" in (resolve("last 3 months", NOW).label or "")
    assert "including today" in (resolve("past 30 days", NOW).label or "")


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        # open-ended from or up to a day word, or after a named period (issue 12): 'after
        # today' was read as today, 'from now on' was dropped, 'after last month' was 'before'
        ("after today", D(2026, 3, 16), None),
        ("from now on", D(2026, 3, 15), None),
        ("since yesterday", D(2026, 3, 14), None),
        ("before today", None, D(2026, 3, 15)),
        ("until tomorrow", None, D(2026, 3, 17)),
        ("after last month", D(2026, 3, 1), None),
        ("before last month", None, D(2026, 2, 1)),
    ],
)
def test_open_ranges_from_day_words_and_periods(
    phrase: str, start: dt.date | None, end: dt.date | None
) -> None:
    tr = resolve(phrase, NOW)
    assert (tr.start, tr.end) == (start, end)


def test_fiscal_year_start_month() -> None:
    ctx = DateContext(now=NOW.now, fiscal_year_start_month=4)
    assert (resolve("FY2025", ctx).start, resolve("FY2025", ctx).end) == (
        D(2024, 4, 1),
        D(2025, 4, 1),
    )
    assert resolve("this fiscal year", ctx).start == D(2025, 4, 1)


def test_week_start_setting() -> None:
    sunday = DateContext(now=NOW.now, week_start=6)
    assert resolve("this week", sunday).start == D(2026, 3, 15)


def test_time_zone_moves_today_across_a_year_boundary() -> None:
    now = dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC)
    tokyo = DateContext(now=now, timezone="Asia/Tokyo")
    ny = DateContext(now=now, timezone="America/New_York")
    assert resolve("today", tokyo).start == D(2026, 1, 1)
    assert resolve("this year", tokyo).start == D(2026, 1, 1)
    assert resolve("today", ny).start == D(2025, 12, 31)
    assert resolve("last year", ny).start == D(2024, 1, 1)


def test_dst_day_is_a_whole_local_day() -> None:
    # 2026-03-29 01:30 UTC is 03:30 in Berlin, just after clocks went forward.
    ctx = DateContext(now=dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), timezone="Europe/Berlin")
    tr = resolve("today", ctx)
    assert (tr.start, tr.end) == (D(2026, 3, 29), D(2026, 3, 30))
    zone = ZoneInfo("Europe/Berlin")
    assert isinstance(tr.start, dt.date) and isinstance(tr.end, dt.date)
    start = dt.datetime.combine(tr.start, dt.time(), zone)
    end = dt.datetime.combine(tr.end, dt.time(), zone)
    # Aware datetimes sharing a zone subtract as wall-clock time (24 h); in UTC the day is 23 h.
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=23)


def test_numbers_are_not_years() -> None:
    assert find_time_expressions("orders over 2000", NOW) == []
    assert find_time_expressions("customers with more than 2024 orders", NOW) == []
    assert find_time_expressions("orders between 2000 and 5000", NOW) == []
    assert find_time_expressions("may I see revenue", NOW) == []


def test_spans_point_at_the_phrase() -> None:
    text = "revenue last quarter by month"
    [(span, _, grain)] = find_time_expressions(text, NOW)
    assert text[span[0] : span[1]] == "last quarter"
    assert grain == "quarter"


def test_resolve_refuses_non_dates() -> None:
    with pytest.raises(Unprocessable):
        resolve("revenue by region", NOW)


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("in the past 30 days, inclusive of 30 days ago", "2026-05-18", "2026-06-18"),
        ("past 30 days including 30 days ago", "2026-05-18", "2026-06-18"),
        ("last 7 days excluding today", "2026-06-10", "2026-06-17"),
        ("the past 7 days, not including today", "2026-06-10", "2026-06-17"),
        ("since the start of last month", "2026-05-01", None),
    ],
)
def test_qualified_relative_ranges_are_one_range(phrase: str, start: str, end: str | None) -> None:
    ctx = DateContext(now=dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC))
    found = find_time_expressions(f"revenue {phrase}", ctx)
    assert len(found) == 1
    rng = found[0][1]
    assert str(rng.start) == start and (str(rng.end) if rng.end else None) == end
    assert rng.label is not None and rng.label.startswith(phrase.lower())


def test_qualifier_with_another_count_is_not_merged() -> None:
    ctx = DateContext(now=dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC))
    found = find_time_expressions("past 30 days inclusive of 7 days ago", ctx)
    assert all("inclusive" not in (f[1].label or "") for f in found)
