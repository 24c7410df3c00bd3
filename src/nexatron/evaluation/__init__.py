"""Evaluation harness: question sets with gold SQL, scored by executing both and comparing rows.

`run.py` runs one set (hand-written layer or `layer: bootstrap`), `compare.py` compares rows,
`report.py` prints per-set and per-class tables, `main.py` is `nexatron eval PATH...`.
"""

from nexatron.evaluation.compare import rows_match
from nexatron.evaluation.report import ClassTally, format_report, tally_by_class
from nexatron.evaluation.run import EvalReport, QuestionResult, run_eval, value_index

__all__ = [
    "ClassTally",
    "EvalReport",
    "QuestionResult",
    "format_report",
    "rows_match",
    "run_eval",
    "tally_by_class",
    "value_index",
]
