"""The data directory is the server's alone: the directory 0700, everything in it 0600.

It holds the metadata store (users, password hashes, encrypted secrets), the generated secret and
tenants' files. `harden` runs at every start (it also fixes a directory made by an older version
with the umask's 0755/0644); `private_file` creates a file 0600 before a library opens it, which
for SQLite also makes its -wal and -shm files 0600 (SQLite gives them the database file's mode).
The CLI also sets the process umask to 077, so whatever else the server creates is private too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing, else narrow its mode to 0600.

    A missing parent is made 0700; an existing one is left alone (it may be anybody's).
    """
    path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        os.chmod(path, FILE_MODE)


def harden(data_dir: Path) -> None:
    """Make `data_dir` 0700 and every directory (0700) and file (0600) under it ours alone.

    Symbolic links are left as they are (never followed), and so is anything another user owns.
    """
    private_dir(data_dir)
    uid = os.getuid()
    for root, dirs, files in os.walk(data_dir):
        for name in dirs + files:
            path = os.path.join(root, name)
            try:
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode) or info.st_uid != uid:
                    continue
                wanted = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
                if stat.S_IMODE(info.st_mode) != wanted:
                    os.chmod(path, wanted)
            except FileNotFoundError:  # removed meanwhile (another worker replaying a journal)
                continue
