"""Time ranges and grains, ranking, and numeric comparisons of a question being interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from nexatron.nlq.errors import Refusal
from nexatron.nlq.frequency import FREQUENCY_WORDS
from nexatron.nlq.plan import Explained
from nexatron.nlq.text import stem
from nexatron.nlq.thresholds import attach, price_verb
from nexatron.nlq.words import ASC_WORDS, COMPARATIVE_HINTS, DESC_WORDS, UNITS
from nexatron.semantic.model import Grain, TimeRange

if TYPE_CHECKING:
    from nexatron.nlq.interpret import Interpreter
    from nexatron.nlq.segment import Item

_PERIOD_GLUE = frozenset({"to", "with", "and", "the", "in", "of", "against"})
_COMPARE = frozenset({"vs", "versus", "compared", "compare", "comparing", "comparison"})


@dataclass
class Comparison:
    """A comparator with its numbers, unit and the noun hinted by a comparative."""

    op: str
    values: list[float]
    at: int  # item index of the comparator
    currency: str = ""
    percent: bool = False
    unit: str = ""
    hint: str = ""


def times(ip: Interpreter) -> None:
    """Date ranges, grains and trend words."""
    for k, it in enumerate(ip.items):
        if it.kind == "time":
            if ip.d.range is not None and compared_periods(ip, k):
                continue
            if ip.d.range is not None:
                raise Refusal(
                    {
                        "message": "The question names two date ranges; ask one at a time.",
                        "unmatched": [it.text],
                        "suggestions": {"metrics": [], "dimensions": []},
                    }
                )
            ip.d.range, ip.d.range_grain = it.time, it.grain
            ip.used.add(k)
            ip.d.explanation.append(Explained(text=it.text, kind="time_range", target="range"))
        elif it.kind == "grain" or (it.kind == "cue" and it.cue.startswith("grain:")):
            grain = it.grain or cast(Grain, it.cue.split(":")[1])
            ip.d.grain = grain
            ip.used.add(k)
            ip.d.explanation.append(Explained(text=it.text, kind="grain", target=str(grain)))
        elif it.kind == "cue" and it.cue == "trend":
            ip.d.trend = True
            ip.used.add(k)


def compared_periods(ip: Interpreter, k: int) -> bool:
    """'2024 vs 2025', 'this year versus last year': two neighbouring periods of one grain,
    compared side by side, read as both periods grouped by that grain."""
    it, first, grain = ip.items[k], ip.d.range, ip.d.range_grain
    if first is None or it.time is None or grain is None or it.grain != grain:
        return False
    j = k - 1
    while j >= 0 and ip.items[j].kind == "word" and ip.low(j) in _COMPARE | _PERIOD_GLUE:
        j -= 1
    words = {ip.low(x) for x in range(j + 1, k)}
    if j < 0 or ip.items[j].kind != "time" or not words & _COMPARE:
        return False
    if grain == "day" or ip.d.grain not in {None, grain}:
        return False
    a, b = sorted([first, it.time], key=lambda r: str(r.start))
    if a.start is None or b.end is None or a.end != b.start:
        return False
    ip.d.range = TimeRange(start=a.start, end=b.end, label=f"{a.label} and {b.label}")
    ip.d.grain = grain
    ip.used.add(k)
    ip.d.explanation.append(Explained(text=it.text, kind="time_range", target="range"))
    ip.d.assumptions.append(f"compared {a.label} and {b.label} by {grain}")
    return True


def ranking(ip: Interpreter) -> None:
    """Top/bottom N, superlatives, sort words and their direction."""
    d = ip.d
    for k, it in enumerate(ip.items):
        low = ip.low(k)
        if it.kind == "cue" and it.cue in {"common", "rare"}:
            d.order_desc = it.cue == "common"
            d.rank_single = True
            d.cues.update({"common", "frequency"})
            ip.used.add(k)
        elif it.kind == "cue" and it.cue == "sortby":
            d.cues.add("sortby")
            ip.used.add(k)
            if d.order_desc is None:
                d.order_desc = True
            rank_metric_after(ip, k)
        elif low in {"top", "bottom", "first"} and it.kind == "word":
            d.order_desc = low != "bottom"
            ip.used.add(k)
            nxt = ip.items[k + 1] if k + 1 < len(ip.items) else None
            if (
                nxt
                and nxt.kind == "number"
                and nxt.number
                and nxt.number.is_integer()
                and nxt.number >= 1
            ):
                d.limit = int(nxt.number)
                ip.used.add(k + 1)
                d.explanation.append(
                    Explained(text=f"{it.text} {nxt.text}", kind="limit", target=str(d.limit))
                )
            elif nxt is not None and nxt.kind == "word" and nxt.text.lower() == "one":
                d.limit = 1
                ip.used.add(k + 1)
                d.explanation.append(
                    Explained(text=f"{it.text} {nxt.text}", kind="limit", target="1")
                )
            else:
                d.cues.add("top_no_n")
                if ip.low(k - 1) == "the" and (nxt is None or nxt.kind == "word"):
                    d.rank_single = True  # 'just the top', 'the top of them'
        elif it.kind == "word" and (low in DESC_WORDS or low in ASC_WORDS):
            if low in {"max", "maximum", "min", "minimum"} and not d.dimensions and d.grain is None:
                continue
            d.order_desc = low in DESC_WORDS
            d.cues.add("superlative")
            if low in FREQUENCY_WORDS:
                d.cues.add("frequency")
            ip.used.add(k)
            rank_metric_after(ip, k)
        elif it.kind == "word" and low in {"ranked", "ranking"}:
            d.cues.add("sortby")
            ip.used.add(k)
            if d.order_desc is None:
                d.order_desc = True
        elif it.kind == "word" and low in {"ascending", "asc", "increasing"}:
            d.order_desc = False
            d.cues.add("sortdir")
        elif it.kind == "word" and low in {"descending", "desc", "decreasing"}:
            d.order_desc = True
            d.cues.add("sortdir")
    if d.cues & {"superlative", "common", "top_no_n"} and d.limit is None:
        d.rank_single = d.rank_single or singular_subject(ip)


def rank_metric_after(ip: Interpreter, k: int) -> None:
    for j in range(k + 1, min(k + 4, len(ip.items))):
        r = ip.readings[j]
        if r is not None and r.kind == "metric" and j in ip.metric_at:
            ip.d.order_metric = ip.metric_at[j]
            if ip.d.order_metric not in ip.d.metrics:
                ip.d.metrics.append(ip.d.order_metric)
            return


def singular_subject(ip: Interpreter) -> bool:
    """'which region' / 'best month' (one answer) vs 'which regions' (a ranking)."""
    for k, it in enumerate(ip.items):
        r = ip.readings[k]
        if (r and r.kind in {"dimension", "entity"}) or it.kind == "grain":
            if it.kind == "grain" and it.text.lower() in {
                "monthly",
                "weekly",
                "daily",
                "yearly",
                "quarterly",
            }:
                continue
            last = it.text.lower().split()[-1]
            return not (last.endswith("s") and stem(last) != last)
    return False


def comparisons(ip: Interpreter) -> None:
    """Numeric thresholds ('over 100', 'between 10 and 20'), attached to what they bound."""
    for k, it in enumerate(ip.items):
        if it.kind != "cue" or not it.cue.startswith("cmp:"):
            continue
        op = it.cue[4:]
        nums = numbers_after(ip, k, 2 if op == "between" else 1)
        if op in {">=", "<="} and it.text.lower().startswith("or") and k > 0:
            nums = [ip.items[k - 1]] if ip.items[k - 1].kind == "number" else []
        if not nums:
            continue
        ip.used.add(k)
        for n in nums:
            ip.used.add(ip.items.index(n))
        comp = Comparison(
            op, [float(n.number or 0) for n in nums], k, nums[0].currency, nums[0].percent
        )
        after = ip.items.index(nums[-1]) + 1
        if after < len(ip.items) and ip.low(after) in UNITS:
            comp.unit = ip.low(after)
            ip.used.add(after)
        comp.hint = COMPARATIVE_HINTS.get(it.text.lower().split()[0], "") or price_verb(ip, k)
        attach(ip, comp)


def numbers_after(ip: Interpreter, k: int, count: int) -> list[Item]:
    out: list[Item] = []
    for j in range(k + 1, min(k + 5, len(ip.items))):
        it = ip.items[j]
        if it.kind == "number":
            out.append(it)
            if len(out) == count:
                return out
        elif not (it.kind == "word" and it.text.lower() in {"and", "the", "of", "than"}):
            break
    return out
