"""Which packages import, where QGIS's Python is on each platform, and the install commands (no QGIS)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from palsar2_plugin import dependencies as deps

ROOT = Path(__file__).resolve().parents[2]
BLOCKER = ROOT / "tests" / "import_blocker"


def _info(**changes):
    values = dict(executable="/usr/bin/python3", platform="debian", in_environment=False, externally_managed=True)
    values.update(changes)
    return deps.PythonInfo(**values)


# ------------------------------------------------------------------ the interpreter QGIS embeds
def test_candidates_on_windows_osgeo4w():
    found = deps.python_candidates(r"C:\OSGeo4W\bin\qgis-bin.exe", r"C:\OSGeo4W\apps\Python312",
                                   r"C:\OSGeo4W\apps\Python312", "win32", (3, 12), {"OSGEO4W_ROOT": r"C:\OSGeo4W"})
    assert found == [r"C:\OSGeo4W\apps\Python312\python.exe", r"C:\OSGeo4W\apps\Python312\python3.exe",
                     r"C:\OSGeo4W\bin\python.exe", r"C:\OSGeo4W\bin\python3.exe"]


def test_candidates_on_macos_bundle():
    exe = "/Applications/QGIS.app/Contents/MacOS/QGIS"
    prefix = "/Applications/QGIS.app/Contents/Frameworks/Python.framework/Versions/3.9"
    found = deps.python_candidates(exe, prefix, prefix, "darwin", (3, 9), {})
    assert found[:4] == ["/Applications/QGIS.app/Contents/MacOS/bin/python3.9",
                         "/Applications/QGIS.app/Contents/MacOS/bin/python3",
                         prefix + "/bin/python3.9", prefix + "/bin/python3"]


def test_candidates_on_linux_and_in_a_venv():
    assert deps.python_candidates("/usr/bin/qgis", "/usr", "/usr", "linux", (3, 11), {})[:2] == [
        "/usr/bin/python3.11", "/usr/bin/python3"]
    assert deps.python_candidates("/w/.venv/bin/python", "/w/.venv", "/w/.venv", "linux", (3, 11), {})[0] == \
        "/w/.venv/bin/python"                      # sys.executable is python itself: take it


def test_find_python_picks_the_runnable_one_in_a_bundle_layout(tmp_path):
    app = tmp_path / "QGIS.app" / "Contents"
    (app / "MacOS" / "bin").mkdir(parents=True)
    prefix = app / "Frameworks" / "Python.framework" / "Versions" / "3.9"
    (prefix / "bin").mkdir(parents=True)
    not_runnable = app / "MacOS" / "bin" / "python3.9"
    not_runnable.write_text("")
    python = prefix / "bin" / "python3"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    assert deps.find_python(str(app / "MacOS" / "QGIS"), str(prefix), str(prefix), "darwin", (3, 9), {}) == str(python)
    assert deps.find_python(str(app / "MacOS" / "QGIS"), str(tmp_path / "x"), str(tmp_path / "x"), "darwin", (3, 9),
                            {}) is None


def test_this_interpreter_is_found():
    info = deps.python_info()
    assert info.executable is not None
    done = subprocess.run([info.executable, "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True)
    assert done.stdout.strip() == sys.prefix


@pytest.mark.parametrize("text, family", [
    ('ID=debian\nVERSION_ID="12"\n', "debian"),
    ('ID=ubuntu\nID_LIKE=debian\n', "debian"),
    ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', "debian"),
    ('ID=fedora\n', "fedora"),
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "fedora"),
    ('ID=arch\n', "linux"),
])
def test_linux_family(text, family):
    assert deps.linux_family(text) == family


# ------------------------------------------------------------------ commands
def test_commands_for_every_platform():
    commands = deps.install_commands(["rasterio", "distributed"], _info())
    assert commands["windows"] == ['python -m pip install --user rasterio "dask[distributed]"']
    assert commands["macos"][1] == ('/Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install --user '
                                    'rasterio "dask[distributed]"')
    assert commands["macos"][0].startswith("/Applications/QGIS.app/Contents/MacOS/bin/python3 -m ensurepip --user")
    assert commands["debian"] == ["sudo apt install python3-rasterio python3-dask python3-distributed"]
    assert commands["fedora"] == ["sudo dnf install python3-rasterio python3-dask python3-distributed"]
    assert commands["conda"] == ["conda install -c conda-forge rasterio dask distributed"]
    assert commands["pip"] == ['/usr/bin/python3 -m pip install --user rasterio "dask[distributed]"']


def test_packages_a_distribution_lacks_get_a_pip_line():
    commands = deps.install_commands(["pyproj", "snaphu"], _info())
    assert commands["debian"] == ["sudo apt install python3-pyproj proj-data",
                                  "python3 -m pip install --user --break-system-packages snaphu   "
                                  "# not packaged by the distribution"]
    assert commands["fedora"] == ["sudo dnf install python3-pyproj",
                                  "python3 -m pip install --user snaphu   # not packaged by the distribution"]
    assert commands["conda"] == ["conda install -c conda-forge pyproj snaphu"]


def test_commands_use_this_installation_s_python_on_macos_and_quote_it():
    info = _info(platform="macos", executable="/Applications/QGIS 3.34.app/Contents/MacOS/bin/python3",
                 externally_managed=False)
    assert deps.install_commands(["pyproj"], info)["macos"][1] == (
        "'/Applications/QGIS 3.34.app/Contents/MacOS/bin/python3' -m pip install --user pyproj")


@pytest.mark.parametrize("changes, command", [
    ({}, "sudo apt install python3-rasterio"),
    ({"platform": "fedora"}, "sudo dnf install python3-rasterio"),
    ({"platform": "conda", "in_environment": True}, "conda install -c conda-forge rasterio"),
    ({"platform": "windows", "executable": r"C:\QGIS\apps\Python312\python.exe"},
     "OSGeo4W Shell: python -m pip install --user rasterio"),
    ({"platform": "macos", "executable": "/Applications/QGIS.app/Contents/MacOS/bin/python3"},
     "/Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install --user rasterio"),
    ({"in_environment": True, "executable": "/w/.venv/bin/python", "externally_managed": False},
     "/w/.venv/bin/python -m pip install rasterio"),
])
def test_recommended_command(changes, command):
    assert deps.recommended_command(["rasterio"], _info(**changes)) == command


def test_pip_arguments_user_site_and_numpy_pin():
    assert deps.pip_arguments(["rasterio"], _info(), "/tmp/c.txt") == [
        "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--user",
        "--constraint", "/tmp/c.txt", "rasterio"]
    assert "--user" not in deps.pip_arguments(["rasterio"], _info(in_environment=True))
    assert deps.numpy_constraint() == f"numpy=={numpy.__version__}"


# ------------------------------------------------------------------ what imports
def test_missing_module_of_maps_submodules_and_companions():
    def error(name):
        return ModuleNotFoundError(f"No module named '{name}'", name=name)

    assert deps.missing_module_of(error("rasterio.warp")) == "rasterio"
    assert deps.missing_module_of(error("affine")) == "rasterio"
    assert deps.missing_module_of(error("urllib3.exceptions")) == "requests"
    assert deps.missing_module_of(error("dask")) == "distributed"
    assert deps.missing_module_of(error("somethingelse")) is None


def test_required_and_optional_lists():
    assert deps.REQUIRED == ("numpy", "rasterio", "pyproj", "requests")
    assert deps.OPTIONAL == ("numba", "paramiko", "distributed", "snaphu")
    assert deps.missing(deps.REQUIRED + ("numba", "paramiko", "distributed")) == {}   # this machine has them


def test_root_causes_leave_out_what_fails_for_want_of_another():
    reasons = {"numpy": "ModuleNotFoundError: No module named 'numpy'",
               "rasterio": "ModuleNotFoundError: No module named 'numpy'", "pyproj": None,
               "numba": "ModuleNotFoundError: No module named 'numpy.core'",
               "requests": "ImportError: cannot import name 'x' from 'urllib3'"}
    assert deps.root_causes(reasons) == {"numpy": reasons["numpy"], "requests": reasons["requests"]}
    assert deps.root_causes({"rasterio": "ModuleNotFoundError: No module named 'numpy'"}) == {
        "rasterio": "ModuleNotFoundError: No module named 'numpy'"}      # numpy not asked about: keep it


@pytest.mark.parametrize("blocked, expected, key, unfound", [
    ("pyproj", ["pyproj"], "pyproj", ["pyproj"]),
    ("numpy", ["numpy"], "numpy", ["numpy"]),      # rasterio and numba fail too, for want of numpy
    ("affine", ["rasterio"], "rasterio", ["rasterio"]),           # a companion of rasterio
])
def test_missing_with_an_import_blocker(blocked, expected, key, unfound):
    """In a fresh interpreter with the package blocked; the module imports no Qt, and the start-up
    check (not_installed) imports none of the packages."""
    code = ("import sys, json; from palsar2_plugin import dependencies as d; "
            "quick = sorted(d.not_installed(d.REQUIRED)); "
            "imported = [m for m in ('rasterio', 'pyproj', 'requests') if m in sys.modules]; "
            "print(json.dumps([sorted(d.missing(d.REQUIRED + d.OPTIONAL[:3]).items()), 'PyQt5' in sys.modules, "
            "d.is_findable('" + blocked + "'), quick, imported]))")
    env = dict(os.environ, PALSAR2_TEST_BLOCK=blocked, PYTHONPATH=os.pathsep.join([str(BLOCKER), str(ROOT)]))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    import json
    missing, qt, findable, quick, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert [m for m, _ in missing] == expected
    assert quick == unfound and imported == []
    assert dict(missing)[key] == f"ModuleNotFoundError: No module named '{blocked}'"
    assert qt is False and findable is False
