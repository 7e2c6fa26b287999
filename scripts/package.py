#!/usr/bin/python3
"""Build the plugin zip for the QGIS plugin repository: dist/palsar2_scansar-<version>.zip.

Takes what the plugin needs at run time from the committed files (``git ls-files``: the plugin's
Python packages, metadata, icon, events, the shipped model, README, LICENSE, the translation source)
plus the compiled translations (``i18n/*.qm``, made by scripts/setup.sh), under the folder name
``palsar2_scansar/`` that QGIS installs the plugin as; leaves out tests and their data, benchmarks,
scripts, developer tooling and the README's screenshots (docs/). Then runs the plugin repository's
upload checks (scripts/check_plugin_zip.py) on the result and fails if any fails.

Usage: scripts/package.py [--output DIR]   (prints the zip's path)
"""

from __future__ import annotations

import argparse
import configparser
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from check_plugin_zip import check  # noqa: E402

FOLDER = "palsar2_scansar"
LEFT_OUT = ("tests/", "bench/", ".ci/", "scripts/", "docs/", ".gitignore", "pytest.ini", "requirements-test.txt",
            "Makefile")


def shipped_files() -> list:
    """Repository-relative paths of the files the zip holds."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split("\n")
    files = [name for name in tracked if name and not name.startswith(LEFT_OUT)]
    qm = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "i18n").glob("*.qm"))]
    if not qm:
        raise SystemExit("package: no compiled translations in i18n/: run scripts/setup.sh first")
    return files + qm


def build(output: Path) -> Path:
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    version = meta["general"]["version"]
    out = output / f"{FOLDER}-{version}.zip"
    output.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in shipped_files():
            archive.write(ROOT / name, f"{FOLDER}/{name}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "dist", help="folder of the zip (default dist/)")
    out = build(parser.parse_args().output)
    problems = check(str(out))
    for problem in problems:
        print(f"package: {problem}", file=sys.stderr)
    print(out)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
