#!/usr/bin/python3
"""Build the plugin zip for the QGIS plugin repository: dist/palsar2_scansar-<version>.zip.

Takes the files git tracks (minus tests, benchmarks, developer tooling and the README's screenshots) plus the compiled
translations, under the folder name ``palsar2_scansar/`` that QGIS installs the plugin as.
"""

import configparser
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = "palsar2_scansar"
LEFT_OUT = ("tests/", "bench/", ".ci/", "scripts/", "docs/", ".gitignore", "pytest.ini", "requirements-test.txt", "Makefile")


def main() -> int:
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    version = meta["general"]["version"]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split("\n")
    files = [name for name in tracked if name and not name.startswith(LEFT_OUT)]
    files += [str(path.relative_to(ROOT)) for path in sorted((ROOT / "i18n").glob("*.qm"))]
    out = ROOT / "dist" / f"{FOLDER}-{version}.zip"
    out.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in files:
            archive.write(ROOT / name, f"{FOLDER}/{name}")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
