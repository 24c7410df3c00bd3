"""Answers: facts about a result, a summary sentence from them, a chart spec, and warnings."""

from nexatron.answer.chart import chart_spec
from nexatron.answer.facts import facts
from nexatron.answer.formatting import format_period, format_value
from nexatron.answer.summary import summarize
from nexatron.answer.warnings import warnings

__all__ = ["chart_spec", "facts", "format_period", "format_value", "summarize", "warnings"]
