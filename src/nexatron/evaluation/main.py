"""`nexatron eval PATH... [-v]`: run question sets (files, or directories of *.yaml sets), print a
report per set, then the per-class table and totals over all of them. Exit 1 when any answer was
confidently wrong."""

from __future__ import annotations

import sys
from pathlib import Path

from nexatron.evaluation.report import format_class_table, format_report
from nexatron.evaluation.run import QuestionResult, run_eval


def set_files(paths: list[str]) -> list[Path]:
    """Each path as given, or the question sets (`*.yaml` with questions) in a directory."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(f for f in sorted(p.glob("*.yaml")) if _is_set(f))
        else:
            out.append(p)
    return out


def _is_set(path: Path) -> bool:
    text = path.read_text()
    return "questions:" in text or "questions_from:" in text


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    files = set_files([a for a in args if a != "-v"])
    if not files:
        print("usage: nexatron eval PATH... [-v]  (question set files or directories of them)")
        return 2
    worst = 0
    everything: list[QuestionResult] = []
    for f in files:
        report = run_eval(f)
        print(format_report(report, verbose))
        everything.extend(report.results)
        worst = max(worst, 1 if report.confidently_wrong else 0)
    print(f"\nper class over {len(files)} set(s):")
    print(format_class_table(everything))
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
