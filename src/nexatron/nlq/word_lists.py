"""Closed word classes: function words, cue words for grouping, ranking, comparison and time."""

from __future__ import annotations

from nexatron.semantic.model import Grain


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no content of their own in an analytics question.
FUNCTION = _set(
    """a an the this that these those there here it its it's they them their theirs we our us you
    your i me my mine he she his her him one ones some any all each every both either neither
    is are was were be been being am do does did done doing have has had having will would shall
    should can could may might must let lets let's please kindly thanks thank hey hi hello ok okay
    what which who whom whose when where why how whats what's
    of in on at to for from with within into onto about as by per via through thru than then
    so such
    and or nor but also too just only very really quite much many more most less least
    show shows showing shown give gives giving list listing display tell find get gets getting got
    see view want wanted need needs like know return returns provide report reports compute
    calculate calculated count counts counted plot chart graph visualize visualise draw
    me please can could would i'd i'm id im
    number numbers value values figure figures stats statistics metric metrics result results
    data info information breakdown overview summary summarize summarise table
    overall altogether combined together respectively currently current now
    time period periods during throughout over under above below after before since until
    send sends sent sending receive receives received make makes made place placed record
    recorded generate generated bring brought happen happened
    occur occurred exist exists existing existed come came take took
    break broken down split group grouped grouping sort sorted order ordered rank ranked ranking
    versus vs compare compared comparison against between among amongst across
    top bottom first last highest lowest biggest smallest largest greatest fewest best worst
    busiest quietest longest shortest performing performer performers
    total totals sum average avg mean typical median maximum max minimum min
    distinct unique different separate individual respective
    out up off into ever still yet again instead same else other another rather
    if not no without except excluding exclude excludes excluded including include includes
    along well case cases basis terms level levels wise
    been going gone get getting given
    so far thus hence therefore new"""
)

# Generic nouns that, written against a matched name, make a longer unknown name ('table turnover').
COMPOUND_NOUNS = _set("table tables time times level levels value values period periods")
DURATION_WORDS = _set(
    "time duration minutes minute mins seconds secs hours hrs days weeks lead wait elapsed"
)
# Per-row measures whose total is rarely what a bare mention means (a delay, a price, a score).
NON_ADDITIVE = (DURATION_WORDS - {"hours", "hrs"}) | _set(
    "delay delays price prices rate rating score age percent pct ratio speed temperature"
)

# Cues with structural meaning (never taken as a lexicon match on their own).
GROUP = _set("by per each every across breakdown split grouped")
NEGATION = _set("not excluding exclude except without non besides minus")
ALTERNATIVE = _set("or and")
ASC_WORDS = _set("bottom lowest least fewest smallest worst minimum min quietest shortest")
DESC_WORDS = _set("top highest most biggest largest greatest best max maximum busiest longest")
AGG_CUES: dict[str, str] = {
    "average": "avg",
    "avg": "avg",
    "mean": "avg",
    "typical": "avg",
    "median": "median",
    "total": "sum",
    "sum": "sum",
    "overall": "sum",
    "maximum": "max",
    "max": "max",
    "minimum": "min",
    "min": "min",
    "distinct": "count_distinct",
    "unique": "count_distinct",
}
COMPARATORS: dict[tuple[str, ...], str] = {
    ("over",): ">",
    ("above",): ">",
    ("exceeding",): ">",
    ("exceeds",): ">",
    ("exceeded",): ">",
    ("more", "than"): ">",
    ("greater", "than"): ">",
    ("higher", "than"): ">",
    (">",): ">",
    ("bigger", "than"): ">",
    ("larger", "than"): ">",
    ("beyond",): ">",
    ("upwards", "of"): ">",
    ("under",): "<",
    ("below",): "<",
    ("less", "than"): "<",
    ("fewer", "than"): "<",
    ("lower", "than"): "<",
    ("smaller", "than"): "<",
    ("<",): "<",
    ("at", "least"): ">=",
    ("no", "less", "than"): ">=",
    ("no", "fewer", "than"): ">=",
    (">=",): ">=",
    ("minimum", "of"): ">=",
    ("or", "more"): ">=",
    ("at", "most"): "<=",
    ("no", "more", "than"): "<=",
    ("<=",): "<=",
    ("up", "to"): "<=",
    ("maximum", "of"): "<=",
    ("or", "less"): "<=",
    ("or", "fewer"): "<=",
    ("equal", "to"): "=",
    ("equals",): "=",
    ("exactly",): "=",
    ("=",): "=",
    ("!=",): "!=",
    ("between",): "between",
    ("heavier", "than"): ">",
    ("lighter", "than"): "<",
    ("longer", "than"): ">",
    ("shorter", "than"): "<",
    ("cheaper", "than"): "<",
    ("older", "than"): ">",
    ("younger", "than"): "<",
    ("more", "expensive", "than"): ">",
    ("bigger",): ">",
    ("larger",): ">",
}
COMPARATIVE_HINTS = {
    "heavier": "weight",
    "older": "age",
    "younger": "age",
    "lighter": "weight",
    "longer": "length",
    "shorter": "length",
    "cheaper": "price",
    "expensive": "price",
}
# A verb saying which measure a number bounds: 'employees earn more than 100000' (the salary),
# 'products cost more than $200' (the price). Words a measure's name may hold, space-separated.
MEASURE_VERBS = {
    "earn": "salary pay wage earnings",
    "earns": "salary pay wage earnings",
    "earned": "salary pay wage earnings",
    "cost": "price cost",
    "costs": "price cost",
    "weigh": "weight",
    "weighs": "weight",
    "weighed": "weight",
}
UNITS = _set(
    "kg kgs kilograms kilogram g grams lb lbs pounds ton tons tonnes km kms kilometers kilometres "
    "miles mile m meters metres hours hour hrs h minutes mins days day weeks usd dollars "
    "dollar eur "
    "euros euro gbp percent pct seats units items "
    "hectares hectare ha acres acre seconds secs litres liters gallons kwh sqm sqft"
)
GRAIN_WORDS: dict[str, Grain] = {
    "daily": "day",
    "day": "day",
    "days": "day",
    "weekly": "week",
    "week": "week",
    "weeks": "week",
    "monthly": "month",
    "month": "month",
    "months": "month",
    "quarterly": "quarter",
    "quarter": "quarter",
    "quarters": "quarter",
    "yearly": "year",
    "annually": "year",
    "annual": "year",
    "year": "year",
    "years": "year",
    "date": "day",
    "dates": "day",
}
TREND = _set("trend trends trending evolution over-time timeline history historical series")
WRITE_VERBS = _set(
    "delete drop truncate insert update alter remove modify erase purge wipe overwrite grant "
    "revoke upsert merge replace rename create set change add edit destroy clear reset"
)
STRONG_WRITE = _set(
    "delete drop truncate insert update alter purge wipe overwrite grant revoke upsert"
)
FOLLOW_UP_STARTS = (
    ("and",),
    ("what", "about"),
    ("how", "about"),
    ("only",),
    ("instead",),
    ("also",),
    ("now",),
    ("same",),
    ("but",),
    ("just",),
    ("then",),
    ("ok",),
    ("okay",),
    ("what", "if"),
    ("same", "for"),
    ("now", "show"),
    ("and", "what", "about"),
    ("plus",),
    ("without",),
    ("excluding",),
    ("except",),
    ("as", "a"),
    ("by",),
    ("for",),
    ("in",),
    ("top",),
    ("bottom",),
    ("sorted",),
    ("sort",),
    ("remove",),
    ("drop",),
    ("break",),
    ("split",),
    ("broken",),
    ("exclude",),
    ("include",),
    ("show", "only"),
    ("compare",),
    ("with",),
)
FOLLOW_UP_MARKERS = _set("instead too well additionally also")
EDIT_OBJECTS = _set(
    "filter filters limit grouping breakdown sort sorting order range dimension dimensions "
    "grain condition conditions restriction restrictions date dates period"
)
# Neutral verbs that name an activity, not the counted rows' own event ('patients we saw').
ACTIVITY_VERBS = _set(
    "see sees saw seen seeing serve serves served serving treat treats treated treating "
    "visit visits visited meet meets met help helps helped handle handles handled "
    "have has had having"
)
# Listed function words that still carry meaning: left unused, the question is refused naming
# them, never answered without them ('the highest and lowest ticket prices' is not a count).
MUST_MAP = _set(
    """total totals sum average avg mean typical median maximum max minimum min
    highest lowest biggest smallest largest greatest fewest best worst busiest quietest
    longest shortest distinct unique different top bottom"""
)
# Columns whose values make no sense added up: an ad-hoc total of one is refused by name.
NO_SUM = NON_ADDITIVE | _set(
    """rate pct percent percentage ratio score rating share average price msrp age year rank
    level position ordinal month day week quarter hour minute version sort index temperature
    temp grade"""
)
