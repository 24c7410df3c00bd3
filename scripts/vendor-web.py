#!/usr/bin/env python3
"""Fetch the web app's third-party files from the npm registry, pinned and verified.

    python3 scripts/vendor-web.py            # fetch, check each tarball's integrity, copy files
    python3 scripts/vendor-web.py --check    # only verify the committed files against the lock

Needs `npm` only to run it (it uses `npm pack`, which reads the registry configured for npm); the
committed files are what the server serves and the tests use, so nobody else needs Node. Each
package lands in `<dest>/<name>@<version>/` with its LICENSE; `vendor.lock.json` records the
tarball's integrity (sha512, as the registry publishes it) and each copied file's sha256.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_VENDOR = ROOT / "src/nexatron/web/static/vendor"
TEST_VENDOR = ROOT / "tests/web/vendor"
LOCK = ROOT / "scripts/vendor.lock.json"

# name, version, destination, files inside the package (LICENSE is always copied)
PACKAGES = [
    ("vega", "6.4.0", WEB_VENDOR, ["build/vega.min.js"]),
    ("vega-lite", "6.5.0", WEB_VENDOR, ["build/vega-lite.min.js"]),
    ("vega-embed", "7.3.0", WEB_VENDOR, ["build/vega-embed.min.js"]),
    ("vega-interpreter", "2.3.2", WEB_VENDOR, ["build/vega-interpreter.js"]),
    ("axe-core", "4.14.1", TEST_VENDOR, ["axe.min.js", "LICENSE-3RD-PARTY.txt"]),
]

# vega-interpreter ships only as an ES module importing the bare name 'vega-util', which a
# browser cannot resolve without an import map (an inline script, which our CSP forbids). Its
# three imports are the same functions the vega bundle exposes on `globalThis.vega`.
PATCHES = {
    "vega-interpreter/build/vega-interpreter.js": (
        "import { ascending, isString, DisallowedObjectProperties } from 'vega-util';",
        "const { ascending, isString, DisallowedObjectProperties } = globalThis.vega;"
        " // vendored: was an import of 'vega-util' (see scripts/vendor-web.py)",
    )
}


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(name: str, version: str, into: Path) -> bytes:
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    filename = json.loads(out.stdout)[0]["filename"]
    return (into / filename).read_bytes()


def vendor() -> dict[str, dict[str, object]]:
    lock = json.loads(LOCK.read_text()) if LOCK.exists() else {}
    new: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, dest, files in PACKAGES:
            key = f"{name}@{version}"
            data = fetch(name, version, Path(tmp))
            integrity = sri(data)
            if key in lock and lock[key]["integrity"] != integrity:
                sys.exit(f"{key}: tarball integrity {integrity} differs from the lock")
            target = dest / key
            target.mkdir(parents=True, exist_ok=True)
            hashes = {}
            with tarfile.open(fileobj=__import__("io").BytesIO(data)) as tar:
                for inner in ["LICENSE", *files]:
                    member = tar.extractfile(f"package/{inner}")
                    if member is None:
                        sys.exit(f"{key}: no {inner} in the package")
                    content = member.read()
                    patch = PATCHES.get(f"{name}/{inner}")
                    if patch:
                        text = content.decode()
                        if patch[0] not in text:
                            sys.exit(f"{key}: the patched line changed; review PATCHES")
                        content = text.replace(patch[0], patch[1]).encode()
                    out = target / Path(inner).name
                    out.write_bytes(content)
                    hashes[out.relative_to(ROOT).as_posix()] = hashlib.sha256(content).hexdigest()
            new[key] = {"integrity": integrity, "files": hashes}
            print(f"{key}: {len(hashes)} files, {integrity[:24]}...")
    LOCK.write_text(json.dumps(new, indent=2) + "\n")
    return new


def check() -> int:
    lock = json.loads(LOCK.read_text())
    bad = 0
    for key, entry in lock.items():
        for rel, digest in entry["files"].items():
            path = ROOT / rel
            if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                print(f"{key}: {rel} missing or changed")
                bad += 1
    print("vendored files match the lock" if not bad else f"{bad} files differ")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        return check()
    vendor()
    return check()


if __name__ == "__main__":
    sys.exit(main())
