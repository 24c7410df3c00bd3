"""Common alternative names for frequent values: countries (codes, demonyms) and a few words.

A value in the index that matches any name of a group is also reachable by the group's other names.
Short codes that are also English words are case-sensitive (only "US", never "us").
"""

from __future__ import annotations

_GROUPS = """
united states|united states of america|usa|us|u s|u s a|america|american|americans
united kingdom|uk|u k|gb|great britain|britain|british
germany|de|deu|german|germans|deutschland
france|fr|fra|french
canada|ca|can|canadian|canadians
mexico|mx|mex|mexican
brazil|br|bra|brazilian
japan|jp|jpn|japanese
china|cn|chn|chinese
india|ind|indian
australia|au|aus|australian|australians
spain|es|esp|spanish
italy|it|ita|italian
netherlands|nl|nld|dutch|holland|the netherlands
sweden|se|swe|swedish
norway|no|nor|norwegian
denmark|dk|dnk|danish
finland|fi|fin|finnish
ireland|ie|irl|irish
switzerland|ch|che|swiss
austria|at|aut|austrian
belgium|be|bel|belgian
poland|pl|pol|polish
portugal|pt|prt|portuguese
south korea|korea|kr|kor|korean|republic of korea
singapore|sg|sgp|singaporean
new zealand|nz|nzl
south africa|za|zaf|south african
argentina|ar|arg|argentinian|argentine
chile|cl|chl|chilean
colombia|co|col|colombian
united arab emirates|uae|ae|emirati
saudi arabia|sa|sau|saudi
israel|il|isr|israeli
turkey|tr|tur|turkish|turkiye
russia|ru|rus|russian|russian federation
north america|na|namer
europe|eu|european|emea
asia pacific|apac|asia-pacific
latin america|latam
middle east|me|mideast
"""

# Codes that are common English words: matched only when written in capitals.
CASE_SENSITIVE = frozenset(
    {
        "us",
        "it",
        "no",
        "be",
        "at",
        "me",
        "can",
        "ind",
        "co",
        "na",
        "sa",
        "is",
        "in",
        "de",
        "es",
        "col",
        "nor",
        "fin",
        "mex",
        "polish",
        "ar",
        "il",
        "se",
        "pt",
        "ch",
        "nl",
    }
)
OTHER = """
e-commerce|ecommerce|online
b2b|business to business
b2c|business to consumer
n/a|not applicable
"""


def alias_groups() -> list[list[str]]:
    """Each group lists interchangeable lowercase names."""
    text = _GROUPS + OTHER
    return [line.split("|") for line in text.strip().splitlines() if line.strip()]
