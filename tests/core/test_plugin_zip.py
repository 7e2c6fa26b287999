"""The plugin zip (scripts/package.py) passes the plugin repository's upload checks and holds only what
the plugin needs at run time; the checks (scripts/check_plugin_zip.py) refuse what the repository refuses."""

from __future__ import annotations

import configparser
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), "--output", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path.parent == out
    return path


def test_zip_passes_the_repository_checks(built):
    assert _script("check_plugin_zip").check(str(built)) == []
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    assert built.name == f"palsar2_scansar-{meta['general']['version']}.zip"
    assert built.stat().st_size < 2_000_000


def test_license_matches_the_metadata_and_ships(built):
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    assert meta["general"]["license"] == "GPL-2.0-or-later"
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991")
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 17000           # the full text
    with zipfile.ZipFile(built) as archive:
        assert archive.read("palsar2_scansar/LICENSE").decode() == text


def test_zip_holds_what_runs_and_nothing_else(built):
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
    assert all(n.startswith("palsar2_scansar/") for n in names)
    inner = {n[len("palsar2_scansar/"):] for n in names}
    for needed in ("__init__.py", "metadata.txt", "LICENSE", "README.md", "i18n/palsar2_ja.qm",
                   "palsar2_plugin/plugin.py", "palsar2_plugin/icons/palsar2.svg", "palsar2_plugin/data/events.json",
                   "palsar2_plugin/models/l11_to_nrb_layers.model3", "palsar2_plugin/simulate/__main__.py",
                   "processing_provider/provider.py"):
        assert needed in inner, needed
    tracked = subprocess.run(["git", "ls-files", "palsar2_plugin", "processing_provider"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert {p for p in tracked if p.endswith(".py")} <= inner        # every module of the plugin
    for name in inner:
        assert not name.startswith(("tests/", "bench/", "scripts/", ".ci/", "dist/", ".venv/")), name
        assert "synthetic" not in Path(name).name, name              # test-only helpers stay out
        assert not name.endswith((".pyc", ".tif", ".part")), name
    assert not {"Makefile", "pytest.ini", "requirements-test.txt", ".gitignore"} & inner


def _zip(path: Path, files: dict) -> str:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return str(path)


GOOD_METADATA = ("[general]\nname=X\ndescription=d\nabout=a\nversion=1.2.3\nqgisMinimumVersion=3.22\nauthor=A B\n"
                 "email=a@example.org\ntracker=https://example.org/t\nrepository=https://example.org/r\n"
                 "experimental=True\nicon=icon.svg\n")


def _plugin(metadata: str = GOOD_METADATA, top: str = "my_plugin", **extra) -> dict:
    files = {f"{top}/__init__.py": "def classFactory(iface):\n    pass\n", f"{top}/metadata.txt": metadata,
             f"{top}/LICENSE": "GPL", f"{top}/icon.svg": "<svg/>"}
    files.update(extra)
    return files


@pytest.mark.parametrize("change, problem", [
    ({"drop": "my_plugin/LICENSE"}, "my_plugin/LICENSE is missing"),
    ({"add": {"my_plugin/__pycache__/a.cpython-311.pyc": "x"}}, "compiled Python files are refused"),
    ({"add": {"my_plugin/.git/HEAD": "x"}}, "a .git folder is refused"),
    ({"add": {"other/readme.txt": "x"}}, "one top folder"),
    ({"top": "My Plugin"}, "must start with a letter"),
    ({"top": "MyPlugin"}, "must be PEP 8"),
    ({"metadata": GOOD_METADATA.replace("email=a@example.org\n", "")}, "email is missing"),
    ({"metadata": GOOD_METADATA.replace("about=a", "about=100% sure")}, "cannot be parsed"),
    ({"metadata": GOOD_METADATA.replace("https://example.org/t", "http://bugs")}, "tracker is not a valid URL"),
    ({"metadata": GOOD_METADATA.replace("version=1.2.3", "version=1.2.3000")}, "version '1.2.3000'"),
    ({"metadata": GOOD_METADATA.replace("author=A B", "author=A/B")}, "author cannot contain slashes"),
    ({"metadata": GOOD_METADATA.replace("experimental=True", "experimental=maybe")}, "experimental must be"),
    ({"metadata": GOOD_METADATA.replace("icon=icon.svg", "icon=missing.png")}, "icon missing.png"),
])
def test_checks_refuse_what_the_repository_refuses(tmp_path, change, problem):
    checker = _script("check_plugin_zip")
    assert checker.check(_zip(tmp_path / "good.zip", _plugin())) == []
    files = _plugin(change.get("metadata", GOOD_METADATA), change.get("top", "my_plugin"), **change.get("add", {}))
    files.pop(change.get("drop", ""), None)
    problems = checker.check(_zip(tmp_path / "bad.zip", files))
    assert any(problem in p for p in problems), problems


def test_size_limit(tmp_path, monkeypatch):
    checker = _script("check_plugin_zip")
    path = _zip(tmp_path / "p.zip", _plugin())
    monkeypatch.setattr(checker, "MAX_BYTES", 100)
    assert any("at most 100" in p for p in checker.check(path))
