"""Split a question into items: lexicon matches, date ranges, grains, numbers, cues and words."""

from __future__ import annotations

import re
from typing import Any

from nexatron.nlq.abbreviated_words import read_abbreviations
from nexatron.nlq.common_words import ENGLISH
from nexatron.nlq.fuzzy import FuzzyIndex
from nexatron.nlq.grain_values import grain_wins, is_grain_value
from nexatron.nlq.items import Item, Segmented
from nexatron.nlq.lexicon import Entry, Lexicon
from nexatron.nlq.number_scales import scaled_number
from nexatron.nlq.partial_values import partial_value
from nexatron.nlq.text import Token, read_number, stem, tokenize
from nexatron.nlq.word_lists import (
    AGG_CUES,
    ALTERNATIVE,
    ASC_WORDS,
    COMPARATORS,
    DESC_WORDS,
    EDIT_OBJECTS,
    FUNCTION,
    GRAIN_WORDS,
    GROUP,
    NEGATION,
    TREND,
)
from nexatron.nlq.word_roots import root_item
from nexatron.semantic.dates import MONTHS, DateContext, find_time_expressions

CUE_PHRASES: dict[tuple[str, ...], str] = {
    ("how", "many"): "count",
    ("right", "now"): "current",  # 'right now' says no more than 'currently'
    ("how", "much"): "howmuch",
    ("number", "of"): "count",
    ("count", "of"): "count",
    ("total", "number", "of"): "count",
    ("#", "of"): "count",
    ("other", "than"): "neg",
    ("apart", "from"): "neg",
    ("aside", "from"): "neg",
    ("but", "not"): "neg",
    ("rather", "than"): "neg",
    ("not", "in"): "neg",
    ("sorted", "by"): "sortby",
    ("ordered", "by"): "sortby",
    ("order", "by"): "sortby",
    ("ranked", "by"): "sortby",
    ("sort", "by"): "sortby",
    ("rank", "by"): "sortby",
    ("broken", "down", "by"): "by",
    ("break", "down", "by"): "by",
    ("split", "by"): "by",
    ("grouped", "by"): "by",
    ("group", "by"): "by",
    ("for", "each"): "by",
    ("for", "every"): "by",
    ("in", "each"): "by",
    ("breakdown", "by"): "by",
    ("broken", "out", "by"): "by",
    ("over", "time"): "trend",
    ("time", "series"): "trend",
    ("month", "over", "month"): "grain:month",
    ("year", "over", "year"): "grain:year",
    ("week", "over", "week"): "grain:week",
    ("quarter", "over", "quarter"): "grain:quarter",
    ("day", "by", "day"): "grain:day",
    ("month", "by", "month"): "grain:month",
    ("most", "common"): "common",
    ("most", "frequent"): "common",
    ("most", "popular"): "common",
    ("least", "common"): "rare",
    ("least", "popular"): "rare",
    ("least", "frequent"): "rare",
    ("most", "often"): "common",
    ("most", "frequently"): "common",
    ("least", "often"): "rare",
    ("what", "about"): "whatabout",
    ("how", "about"): "whatabout",
    ("as", "well"): "add",
    ("all", "time"): "alltime",
    ("of", "all", "time"): "alltime",
    ("in", "total"): "intotal",
    ("per", "day"): "grain:day",
    ("per", "week"): "grain:week",
    ("per", "month"): "grain:month",
    ("per", "quarter"): "grain:quarter",
    ("per", "year"): "grain:year",
    ("a", "month"): "grain:month",
    ("a", "year"): "grain:year",
    ("a", "day"): "grain:day",
    ("a", "week"): "grain:week",
}
for _words, _op in COMPARATORS.items():
    CUE_PHRASES.setdefault(_words, "cmp:" + _op)
CUE_MAX = max(len(k) for k in CUE_PHRASES)
STRUCTURAL = (
    GROUP
    | NEGATION
    | ALTERNATIVE
    | frozenset(
        [
            "top",
            "bottom",
            "than",
            "over",
            "under",
            "above",
            "below",
            "with",
            "of",
            "in",
            "for",
            "from",
            "the",
            "a",
            "an",
            "to",
            "at",
            "on",
            "by",
            "is",
            "are",
            "was",
            "were",
            "what",
            "which",
            "how",
            "who",
            "me",
            "show",
        ]
    )
)


_TIME_WORDS = frozenset(MONTHS) | frozenset(
    [
        "today",
        "yesterday",
        "tomorrow",
        "week",
        "weeks",
        "month",
        "months",
        "quarter",
        "quarters",
        "year",
        "years",
        "fiscal",
        "ytd",
        "mtd",
        "qtd",
        "daily",
        "weekly",
        "monthly",
        "quarterly",
        "yearly",
        "annually",
        "trend",
    ]
)
_NOT_VALUES = STRUCTURAL | frozenset(
    [
        "all",
        "any",
        "none",
        "other",
        "others",
        "total",
        "each",
        "every",
        "some",
        "more",
        "most",
        "less",
        "least",
        "one",
        "no",
        "yes",
        "and",
        "or",
        "not",
        "new",
        "count",
        "number",
    ]
)
_KNOWN_TEXT = FUNCTION | _TIME_WORDS | frozenset(GRAIN_WORDS)
# Typos are corrected into structural words only: never into a verb that would then be ignored
# ('spends' is not 'sends').
_FIX_TARGETS = (
    _TIME_WORDS
    | frozenset(GRAIN_WORDS)
    | frozenset(AGG_CUES)
    | ASC_WORDS
    | DESC_WORDS
    | GROUP
    | NEGATION
    | frozenset(
        [
            "please",
            "show",
            "between",
            "during",
            "compare",
            "compared",
            "versus",
            "including",
            "excluding",
            "across",
            "among",
            "through",
            "since",
            "until",
            "before",
            "after",
            "breakdown",
            "distinct",
            "unique",
            "number",
        ]
    )
)
_TIME_FUZZY = FuzzyIndex(w for w in _FIX_TARGETS if len(w) >= 5)
_AGG_FUZZY = FuzzyIndex(AGG_CUES)


# Inflections of the plain verbs among the function words ('brings', 'happens'): words too.
VERB_STEMS = frozenset(
    stem(w)
    for w in [
        "bring",
        "make",
        "take",
        "come",
        "happen",
        "occur",
        "generate",
        "receive",
        "send",
        "get",
        "give",
        "exist",
    ]
)


def _is_known(low: str, lex: Lexicon) -> bool:
    return (
        low in _KNOWN_TEXT
        or stem(low) in VERB_STEMS
        or stem(low) in lex.known_stems
        or low in ENGLISH
        or not low.isalpha()
        or low in lex.value_fuzzy()
    )


def correct_typos(
    text: str, lex: Lexicon, tokens: list[Token] | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """Replace words that are one or two edits from exactly one known word (bounded by length).
    `tokens`: those of `text` when the caller has them already."""
    fixes: list[tuple[str, str]] = []
    out = text
    tokens = tokenize(text) if tokens is None else tokens
    joined = _hyphen_compounds(text, tokens, lex)
    if joined:
        for a, b in reversed(joined):
            fixes.append((text[tokens[a].start : tokens[b].end], tokens[a].low + tokens[b].low))
            out = out[: tokens[a].start] + tokens[a].low + tokens[b].low + out[tokens[b].end :]
        return out, list(reversed(fixes))
    for n, tok in reversed(list(enumerate(tokens))):
        low = tok.low
        if len(low) == 4 and not _is_known(low, lex):
            best4 = _short_fix(tokens, n, lex)
            if best4:
                fixes.append((tok.text, best4))
                out = out[: tok.start] + best4 + out[tok.end :]
            continue
        if len(low) < 5 or _is_known(low, lex):
            continue
        cands = set(lex.schema_fuzzy.closest(low)) | set(lex.value_fuzzy().closest(low))
        cands |= set(_TIME_FUZZY.closest(low))
        stems = {stem(c) for c in cands}
        if len(stems) == 1 and not _inflection_of(low, sorted(cands)[0]):
            best = sorted(cands)[0]
            fixes.append((tok.text, best))
            out = out[: tok.start] + best + out[tok.end :]
    return out, list(reversed(fixes))


def _hyphen_compounds(text: str, tokens: list[Token], lex: Lexicon) -> list[tuple[int, int]]:
    """'drop-off zone', 'pick-up branch': two words joined by a hyphen that the schema knows as
    one word (`dropoff_zone`, `PickupBranchId`), when the joined word reaches further into the
    lexicon than the two apart ('sign-ups' named as such stays); pairs of token positions."""
    out: list[tuple[int, int]] = []
    for n in range(len(tokens) - 1):
        a, b = tokens[n], tokens[n + 1]
        if text[a.end : b.start] != "-" or stem(a.low + b.low) not in lex.known_stems:
            continue
        joined = tokenize(text[: a.start] + a.low + b.low + text[b.end :])
        if _lexicon_match(joined, n, lex)[0] + 1 > _lexicon_match(tokens, n, lex)[0]:
            out.append((n, n + 1))
    return out


def _inflection_of(word: str, fix: str) -> bool:
    """'played' beside 'player': a verb form of the fix's own root is a real word, not a typo."""
    for suffix in ("ed", "ing"):
        root = word.removesuffix(suffix)
        if root != word and fix.startswith(root) and not fix.endswith(suffix):
            return True
    return False


def _short_fix(tokens: list[Token], n: int, lex: Lexicon) -> str | None:
    """A four-letter typo fixed only when the fix completes a two-word name with a neighbour
    ('loyalty teir' -> 'loyalty tier', 'toal fare' -> 'total fare')."""
    low = tokens[n].low
    cands = set(lex.schema_fuzzy.short(low)) | set(lex.value_fuzzy().short(low))
    cands |= set(_AGG_FUZZY.short(low))
    if len({stem(c) for c in cands}) != 1:
        return None
    best = sorted(cands)[0]
    prev = tokens[n - 1].stem if n > 0 else ""
    nxt = tokens[n + 1].stem if n + 1 < len(tokens) else ""
    if best in AGG_CUES:
        return best if nxt in lex.known_stems else None
    pairs = [(prev, stem(best)), (stem(best), nxt)]
    if any(a and b and (lex.lookup((a, b)) or " ".join((a, b)) in lex.values) for a, b in pairs):
        return best
    return None


def _lexicon_match(
    tokens: list[Token], i: int, lex: Lexicon
) -> tuple[int, list[Entry], list[tuple[str, str]]]:
    n = len(tokens)
    for length in range(min(max(lex.max_len, lex.value_max_len), n - i), 0, -1):
        span = tokens[i : i + length]
        if length == 1 and span[0].low in STRUCTURAL:
            break
        if span[-1].low in {"and", "or", "of", "by", "the", "in", "for"}:
            continue
        entries = lex.lookup(tuple(t.stem for t in span)) if length <= lex.max_len else []
        if entries and any(lex.truncated(t.low) for t in span):
            entries = []
        values = _value_match(span, lex)
        if entries or values:
            return length, entries, values
    return 0, [], []


def _value_match(span: list[Token], lex: Lexicon) -> list[tuple[str, str]]:
    words = [t.low for t in span]
    if len(span) == 1:
        if span[0].text in lex.case_aliases:
            return lex.case_aliases[span[0].text]
        if words[0] in _NOT_VALUES or words[0].isdigit():
            return []
    hits = lex.values.get(" ".join(words))
    if hits:
        return hits
    last = words[-1]
    for variant in (
        last[:-1] if last.endswith("s") else "",
        last[:-2] if last.endswith("es") else "",
    ):
        if len(variant) >= 3 and (hits := lex.values.get(" ".join([*words[:-1], variant]))):
            return hits
    return []


def segment(
    question: str, lex: Lexicon, ctx: DateContext, tokens: list[Token] | None = None
) -> Segmented:
    """Read `question` into items, longest match first at each position. `tokens`: those of
    `question[:10000]` when the caller has them already."""
    original = tokenize(question[:10000]) if tokens is None else tokens
    text, corrections = correct_typos(question[:10000], lex, original)
    tokens = tokenize(text) if corrections else original
    text, spelled = read_abbreviations(text, tokens, lex)
    if spelled:
        corrections, tokens = sorted([*corrections, *spelled]), tokenize(text)
    times = find_time_expressions(text, ctx)
    items: list[Item] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        hit = next((t for t in times if t[0][0] <= tok.start < t[0][1]), None)
        if hit is not None:
            j = i
            while j < len(tokens) and tokens[j].start < hit[0][1]:
                j += 1
            items.append(Item("time", i, j, text[hit[0][0] : hit[0][1]], time=hit[1], grain=hit[2]))
            i = j
            continue
        cue_len, cue = 0, ""
        for length in range(min(CUE_MAX, len(tokens) - i), 1, -1):
            c = CUE_PHRASES.get(tuple(t.low for t in tokens[i : i + length]))
            if c:
                cue_len, cue = length, c
                break
        lex_len, entries, values = _lexicon_match(tokens, i, lex)
        cut = _cue_inside(tokens, i, lex_len)
        if cut:
            lex_len, entries, values = _lexicon_match(tokens[:cut], i, lex)
        if cue_len and cue_len >= lex_len:
            items.append(Item("cue", i, i + cue_len, _join(tokens, i, i + cue_len), cue=cue))
            i += cue_len
            continue
        if is_grain_value(tokens, i, lex_len, entries, values) and grain_wins(
            tokens, i, values, lex
        ):
            items.append(_single(tok, i))
            i += 1
            continue
        if lex_len:
            items.append(
                Item("lexicon", i, i + lex_len, _join(tokens, i, i + lex_len), entries, values)
            )
            i += lex_len
            continue
        after_group = bool(items) and items[-1].text.lower() in GROUP
        counted = NUMBER_WORDS.get(tok.low) if counted_number(tokens, i) else None
        if counted is not None:  # 'more than three orders', 'three or more', 'top three'
            items.append(Item("number", i, i + 1, tok.text, number=float(counted)))
            i += 1
            continue
        rooted = root_item(tokens, i, lex, _time_follows(tokens, i, times))
        item = (
            _negated_boolean(tok, i, lex)
            or (rooted if rooted is not None and rooted.end > i + 1 else None)  # 'sign-ups'
            or (None if after_group else partial_value(tok, i, lex))
            or rooted
            or _single(tok, i)
        )
        item = scaled_number(item, tokens)
        item.text = _join(tokens, i, item.end)
        items.append(item)
        i = item.end
    return Segmented(tokens, items, corrections, text)


def _time_follows(tokens: list[Token], i: int, times: list[Any]) -> bool:
    """A date range starts within the two tokens after token `i` ('departing in May')."""
    starts = {t[0][0] for t in times}
    return any(tokens[j].start in starts for j in range(i + 1, min(i + 3, len(tokens))))


def _cue_inside(tokens: list[Token], i: int, length: int) -> int:
    """Where a cue phrase starting inside a lexicon match runs past its end ('staff ranked by'
    must not read 'staff ranked' as a name), else 0."""
    for j in range(i + 1, i + length):
        for n in range(min(CUE_MAX, len(tokens) - j), 1, -1):
            if j + n > i + length and tuple(t.low for t in tokens[j : j + n]) in CUE_PHRASES:
                return j
    return 0


def _join(tokens: list[Token], a: int, b: int) -> str:
    return " ".join(t.text for t in tokens[a:b])


def _negated_boolean(tok: Token, i: int, lex: Lexicon) -> Item | None:
    """'untenured' / 'nonresident': a negating prefix on the one-word name of a boolean."""
    for prefix in ("non", "un"):
        rest = tok.low[len(prefix) :]
        if tok.low.startswith(prefix) and len(rest) >= 4:
            entries = [
                e
                for e in lex.lookup((stem(rest),))
                if e.kind == "dimension" and lex.dimensions[e.target].type == "boolean"
            ]
            if entries:
                return Item("lexicon", i, i + 1, tok.text, entries, negated=True)
    return None


NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
# A number word right after one of these bounds a count ('more than three', 'at least two').
_BOUND_WORDS = frozenset({"than", "least", "most", "exactly", "over", "above", "under", "below"})
# ... and so does one before 'or more' ('three or more'), or one after a rank ('top three').
_OPEN_BOUNDS = frozenset({"more", "fewer", "less", "over", "above", "greater", "higher", "lower"})
_RANK_WORDS = (ASC_WORDS | DESC_WORDS | {"first", "last"}) - {"most", "least", "max", "min"}


def counted_number(tokens: list[Token], i: int) -> bool:
    """The number word at `i` is a count: 'more than three', 'three or more', 'top three',
    'our three biggest'."""
    before = tokens[i - 1].low if i else ""
    after = [t.low for t in tokens[i + 1 : i + 3]]
    return (
        before in _BOUND_WORDS
        or (before in _RANK_WORDS and tokens[i].low != "one")
        or (len(after) == 2 and after[0] in {"or", "and"} and after[1] in _OPEN_BOUNDS)
        or (after[:1] != [] and after[0] in _RANK_WORDS | {"most", "least"} and bool(before))
        or after[:1] == ["plus"]
    )


def _single(tok: Token, i: int) -> Item:
    low = tok.low
    num = read_number(tok.text) if re.match(r"[$€£]?\d", tok.text) else None
    if num is not None:
        return Item("number", i, i + 1, tok.text, number=num[0], currency=num[1], percent=num[2])
    if (c := CUE_PHRASES.get((low,))) is not None:
        return Item("cue", i, i + 1, tok.text, cue=c)
    if low in GRAIN_WORDS:
        return Item("grain", i, i + 1, tok.text, grain=GRAIN_WORDS[low])
    if low in TREND:
        return Item("cue", i, i + 1, tok.text, cue="trend")
    if low in FUNCTION or low in {",", "&", "+"} or low in EDIT_OBJECTS or stem(low) in VERB_STEMS:
        return Item("word", i, i + 1, tok.text)
    return Item("unknown", i, i + 1, tok.text)
