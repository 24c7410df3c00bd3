"""Value synonyms taught to a dimension (`Dimension.value_synonyms`) read as that value."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nexatron.nlq import DateContext, Refusal, build_lexicon, understand
from nexatron.semantic.model import Dimension, SemanticLayer

from .conftest import LAYER, VALUES


def taught(value_synonyms: dict[str, list[str]]) -> SemanticLayer:
    layer = SemanticLayer.model_validate(LAYER)
    tier = next(d for d in layer.dimensions if d.name == "tier")
    tier.value_synonyms = value_synonyms
    return layer


def test_a_taught_word_filters_on_its_value(ctx: DateContext) -> None:
    before = build_lexicon(SemanticLayer.model_validate(LAYER), VALUES)
    with pytest.raises(Refusal) as refused:
        understand("revenue from VIP guests", before, ctx=ctx)
    assert "vip" in " ".join(refused.value.detail["unmatched"]).lower()

    lex = build_lexicon(taught({"Gold": ["VIP", "top shelf"]}), VALUES)
    for text in ("revenue from VIP guests", "revenue from top shelf guests"):
        query = understand(text, lex, ctx=ctx).query
        assert [(f.field, f.values) for f in query.filters] == [("tier", ["Gold"])], text


def test_a_taught_value_need_not_be_in_the_value_index(ctx: DateContext) -> None:
    lex = build_lexicon(taught({"Platinum": ["whales"]}), VALUES)
    query = understand("revenue from whales", lex, ctx=ctx).query
    assert [(f.field, f.values) for f in query.filters] == [("tier", ["Platinum"])]


@pytest.mark.parametrize("bad", [{"": ["x"]}, {"Germany": [""]}, {"Germany": ["  "]}])
def test_blank_values_and_words_are_refused(bad: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationError, match="value_synonyms"):
        Dimension(name="country", table="guests", expr="country", value_synonyms=bad)
