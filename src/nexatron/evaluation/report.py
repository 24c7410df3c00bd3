"""Text reports: one set's summary, and the per-class table over one or more sets.

Per class, every question is exactly one of: correct (the gold rows, or an unanswerable question
refused), refused/clarified (an answerable question not answered, follow-ups of one included),
wrong (other rows, or an unanswerable question answered, with no warning), wrong with warning
(the same, but the answer's `warnings` said something), error (the SQL failed to run).
"""

from __future__ import annotations

from dataclasses import dataclass

from nexatron.evaluation.run import EvalReport, QuestionResult

_CORRECT = {"match", "refused_ok"}
_REFUSED = {"refused", "clarified", "cascade"}
_WRONG = {"mismatch", "answered_wrongly"}


@dataclass
class ClassTally:
    name: str
    total: int = 0
    correct: int = 0
    refused: int = 0
    wrong: int = 0
    wrong_warned: int = 0
    errors: int = 0

    def add(self, r: QuestionResult) -> None:
        self.total += 1
        if r.outcome in _CORRECT:
            self.correct += 1
        elif r.outcome in _REFUSED:
            self.refused += 1
        elif r.outcome in _WRONG and r.warnings:
            self.wrong_warned += 1
        elif r.outcome in _WRONG:
            self.wrong += 1
        else:
            self.errors += 1


def tally_by_class(results: list[QuestionResult]) -> list[ClassTally]:
    """One tally per class (sorted by name) and a last one named `total`."""
    tallies: dict[str, ClassTally] = {}
    total = ClassTally("total")
    for r in results:
        tallies.setdefault(r.question_class, ClassTally(r.question_class)).add(r)
        total.add(r)
    return [*(tallies[k] for k in sorted(tallies)), total]


def format_class_table(results: list[QuestionResult]) -> str:
    head = (
        f"  {'class':<16} {'n':>5} {'correct':>14} {'refused':>14} {'wrong':>12}"
        f" {'wrong+warn':>12} {'error':>6}"
    )
    lines = [head]

    def cell(k: int, n: int) -> str:
        return f"{k} ({k / n:.0%})" if n else "0"

    for t in tally_by_class(results):
        lines.append(
            f"  {t.name:<16} {t.total:>5} {cell(t.correct, t.total):>14}"
            f" {cell(t.refused, t.total):>14} {cell(t.wrong, t.total):>12}"
            f" {cell(t.wrong_warned, t.total):>12} {t.errors:>6}"
        )
    return "\n".join(lines)


def format_report(r: EvalReport, verbose: bool = False) -> str:
    """A short text report; failures listed when `verbose`."""
    lines = [
        f"{r.name}: {r.total} questions ({r.answerable} answerable, {r.unanswerable} unanswerable)",
        f"  execution match   {r.execution_match:.1%}",
        f"  refusal accuracy  {r.refusal_accuracy:.1%}",
        f"  confidently wrong {r.confidently_wrong}",
        f"  over-refused      {r.over_refused}",
        f"  errors            {r.errors}",
        f"  cascaded          {r.cascaded} (follow-ups of a failed question)",
        f"  latency p50/p95   {r.latency_p50_ms:.2f} / {r.latency_p95_ms:.2f} ms",
    ]
    if verbose:
        for x in r.results:
            if x.outcome not in _CORRECT:
                warned = f" [warnings: {'; '.join(x.warnings)}]" if x.warnings else ""
                lines.append(
                    f"  [{x.outcome}] {x.id} ({x.question_class}): {x.question} -> {x.detail}"
                    + warned
                )
    return "\n".join(lines)
