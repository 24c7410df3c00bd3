"""`nexatron ARGS...` whose demo database is a copy of DEMO_FILE, generated beforehand with
today's date, instead of one generated again (seconds of CPU per server): what the web tests'
servers run. Everything else is the real command. Usage: python serve_with_demo.py DEMO_FILE
ARGS..."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from nexatron.cli import main
from nexatron.demo import install


def _copy_of(source: Path) -> Callable[..., None]:
    def generate_demo(path: Path, *, today: dt.date, seed: int = 7) -> None:
        assert today == dt.date.today(), today
        shutil.copyfile(source, path)

    return generate_demo


if __name__ == "__main__":
    install.generate_demo = _copy_of(Path(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
