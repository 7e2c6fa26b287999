"""The third-party Python packages the plugin uses, whether they import, and how to install them.

QGIS ships numpy and GDAL's bindings (``osgeo``) everywhere, but its Windows installers and the
official macOS build often lack rasterio (and on macOS pyproj and even pip); numba, paramiko and
Dask are usually absent. This module (no Qt, no qgis) says what is missing, finds the Python
interpreter QGIS embeds (``sys.executable`` is the QGIS program there, not python) and builds the
exact install commands for each platform. The QGIS side (message bar, dialog, install task) lives in
``gui/dependency_dialog.py``; algorithms declare what they need in ``REQUIRES``.
"""

from __future__ import annotations

import importlib
import importlib.util
import ntpath
import os
import posixpath
import re
import shlex
import sys
import sysconfig
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

#: Platform keys of the install instructions, in the order a dialog offers them.
PLATFORMS = ("windows", "macos", "debian", "fedora", "conda")


@dataclass(frozen=True)
class Dependency:
    """One third-party package: its import name, how each platform names it, and what needs it."""

    module: str                      # top-level import name
    required: bool                   # False: optional (a feature or speed depends on it)
    pip: Tuple[str, ...]             # pip requirement names
    debian: Tuple[str, ...]          # Debian / Ubuntu packages (empty: not packaged, pip instead)
    fedora: Tuple[str, ...]          # Fedora packages (empty: not packaged, pip instead)
    conda: Tuple[str, ...]           # conda-forge packages
    extra_modules: Tuple[str, ...] = ()   # modules installed with it that the plugin imports directly


DEPENDENCIES: Tuple[Dependency, ...] = (
    Dependency("numpy", True, ("numpy",), ("python3-numpy",), ("python3-numpy",), ("numpy",)),
    Dependency("rasterio", True, ("rasterio",), ("python3-rasterio",), ("python3-rasterio",), ("rasterio",),
               ("affine",)),
    Dependency("pyproj", True, ("pyproj",), ("python3-pyproj", "proj-data"), ("python3-pyproj",), ("pyproj",)),
    Dependency("requests", True, ("requests",), ("python3-requests",), ("python3-requests",), ("requests",),
               ("urllib3",)),
    Dependency("numba", False, ("numba",), ("python3-numba",), ("python3-numba",), ("numba",)),
    Dependency("paramiko", False, ("paramiko",), ("python3-paramiko",), ("python3-paramiko",), ("paramiko",)),
    Dependency("distributed", False, ("dask[distributed]",), ("python3-dask", "python3-distributed"),
               ("python3-dask", "python3-distributed"), ("dask", "distributed"), ("dask",)),
    Dependency("snaphu", False, ("snaphu",), (), (), ("snaphu",)),
)
BY_MODULE: Dict[str, Dependency] = {d.module: d for d in DEPENDENCIES}
REQUIRED = tuple(d.module for d in DEPENDENCIES if d.required)
OPTIONAL = tuple(d.module for d in DEPENDENCIES if not d.required)


# ----------------------------------------------------------------------------- what imports
def import_error(module: str) -> Optional[str]:
    """None if ``module`` (and what the plugin imports with it) imports; else the reason, e.g.
    "No module named 'rasterio'" or a broken binary's "DLL load failed ..."."""
    dependency = BY_MODULE.get(module)
    for name in (module,) + (dependency.extra_modules if dependency else ()):
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - ImportError, OSError of a broken build, ...
            return f"{type(error).__name__}: {error}"
    return None


def is_findable(module: str) -> bool:
    """Whether ``module`` is installed, found without importing it (milliseconds, not a second)."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def dependency_of(name: str) -> Optional[str]:
    """The dependency a module name belongs to (``rasterio.warp`` and ``affine`` -> rasterio), or None."""
    top = (name or "").split(".")[0]
    for dependency in DEPENDENCIES:
        if top == dependency.module or top in dependency.extra_modules:
            return dependency.module
    return None


def missing_module_of(error: BaseException) -> Optional[str]:
    """The dependency a ModuleNotFoundError is about, or None if it is not one of ours."""
    return dependency_of(getattr(error, "name", None) or "")


def root_causes(reasons: Mapping[str, Optional[str]]) -> Dict[str, str]:
    """The failures to fix: ``reasons`` ({module: import error or None}) without the modules that fail
    only because another failing one is missing (rasterio without numpy: install numpy)."""
    out = {}
    for module, reason in reasons.items():
        if reason is None:
            continue
        found = re.search(r"No module named '([^']+)'", reason)
        cause = dependency_of(found.group(1)) if found else None
        if cause and cause != module and reasons.get(cause):
            continue
        out[module] = reason
    return out


def missing(modules: Iterable[str]) -> Dict[str, str]:
    """{module: reason} of those of ``modules`` that do not import, in the order given, without those
    that fail only because another of them is missing (see :func:`root_causes`)."""
    return root_causes({module: import_error(module) for module in modules})


def not_installed(modules: Iterable[str]) -> Dict[str, str]:
    """{module: reason} of those of ``modules`` (or the modules they bring) that are not installed,
    found without importing anything: the check at QGIS start-up (importing rasterio, pyproj and
    requests there would add about a second). A package that is installed but broken is reported
    when a tool imports it (:func:`missing`)."""
    out = {}
    for module in modules:
        dependency = BY_MODULE.get(module)
        for name in (module,) + (dependency.extra_modules if dependency else ()):
            if not is_findable(name):
                out[module] = f"ModuleNotFoundError: No module named '{name}'"
                break
    return out


# ----------------------------------------------------------------------------- the interpreter
@dataclass(frozen=True)
class PythonInfo:
    """The interpreter QGIS embeds, as far as this process can tell."""

    executable: Optional[str]        # a python program running the same installation, or None if not found
    platform: str                    # one of PLATFORMS (or "linux" for another distribution)
    in_environment: bool             # a venv or conda environment: install into it, not with --user
    externally_managed: bool         # the distribution owns it (PEP 668): use its package manager


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and (os.name == "nt" or os.access(path, os.X_OK))


def python_candidates(executable: str, prefix: str, exec_prefix: str, platform: str,
                      version: Tuple[int, int], environ: Mapping[str, str]) -> List[str]:
    """Where the python program of this installation can be, most likely first.

    Under QGIS ``sys.executable`` is the QGIS program (qgis-bin.exe, QGIS.app/Contents/MacOS/QGIS,
    /usr/bin/qgis); under a plain interpreter or a venv it is python itself.
    """
    path = ntpath if platform == "win32" else posixpath
    base = path.basename(executable).lower()
    out = [executable] if base.startswith("python") else []
    major_minor = f"{version[0]}.{version[1]}"
    if platform == "win32":
        for folder in (prefix, exec_prefix):         # OSGeo4W: <root>\apps\Python3xx\python.exe
            out += [path.join(folder, "python.exe"), path.join(folder, "python3.exe")]
        root = environ.get("OSGEO4W_ROOT")
        if root:
            out += [path.join(root, "bin", "python.exe"), path.join(root, "bin", "python3.exe")]
    else:
        folders = [path.join(prefix, "bin"), path.join(exec_prefix, "bin")]
        if platform == "darwin" and executable:
            folders.insert(0, path.join(path.dirname(executable), "bin"))   # QGIS.app/Contents/MacOS/bin
        for folder in folders:
            out += [path.join(folder, f"python{major_minor}"), path.join(folder, "python3")]
    seen, unique = set(), []
    for path in out:
        if path and path not in seen:
            seen.add(path)
            unique.append(path)
    return unique


def find_python(executable: str, prefix: str, exec_prefix: str, platform: str, version: Tuple[int, int],
                environ: Mapping[str, str]) -> Optional[str]:
    """The first of :func:`python_candidates` that exists and can be run, or None."""
    return next((p for p in python_candidates(executable, prefix, exec_prefix, platform, version, environ)
                 if _is_executable(p)), None)


def worker_python_candidates(executable: str, prefix: str, exec_prefix: str, platform: str,
                             version: Tuple[int, int], environ: Mapping[str, str]) -> List[str]:
    """Interpreters that can start worker processes of this installation (multiprocessing's spawn,
    Dask's local cluster), most likely first.

    ``executable`` comes first when it is python itself and belongs to this installation (under
    ``prefix`` or ``exec_prefix``, e.g. a venv's bin/python); inside QGIS it is the QGIS program, or
    on Linux whatever ``python3`` PATH finds first (possibly another Python, e.g. pyenv's), and the
    installation's own interpreter is looked for instead: on Windows ``pythonw.exe`` (no console
    window per worker) then ``python.exe`` in ``exec_prefix``/``prefix``, elsewhere
    ``bin/python<major>.<minor>``, ``bin/python3`` (macOS bundle: ``Contents/MacOS/bin``); the rest
    as :func:`python_candidates`."""
    path = ntpath if platform == "win32" else posixpath

    def inside(folder: str) -> bool:
        return bool(folder) and path.normcase(path.abspath(executable)).startswith(
            path.normcase(path.abspath(folder)).rstrip("\\/") + path.sep)

    own = (bool(executable) and path.basename(executable).lower().startswith("python")
           and (inside(prefix) or inside(exec_prefix)))
    out = [executable] if own else []
    if platform == "win32":
        for folder in (exec_prefix, prefix):
            out.append(path.join(folder, "pythonw.exe"))
    others = [c for c in python_candidates(executable, prefix, exec_prefix, platform, version, environ)
              if own or c != executable]
    seen, unique = set(), []
    for candidate in out + others:
        if candidate and candidate not in seen:
            seen.add(candidate)
            unique.append(candidate)
    return unique


def python_for_workers() -> Optional[str]:
    """The interpreter worker processes of this process are started with (the first runnable of
    :func:`worker_python_candidates` for this process), or None when none is found."""
    return next((p for p in worker_python_candidates(sys.executable or "", sys.prefix, sys.exec_prefix, sys.platform,
                                                      sys.version_info[:2], os.environ) if _is_executable(p)), None)


def linux_family(os_release: str) -> str:
    """"debian", "fedora" or "linux" from the text of /etc/os-release."""
    ids = set()
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids.update(value.strip().strip('"').lower().split())
    if ids & {"debian", "ubuntu"}:
        return "debian"
    if ids & {"fedora", "rhel", "centos"}:
        return "fedora"
    return "linux"


def python_info() -> PythonInfo:
    """Describe the interpreter this process runs in (QGIS's own, when called from the plugin)."""
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    in_conda = os.path.isdir(os.path.join(sys.prefix, "conda-meta"))
    if in_conda:
        platform = "conda"
    elif sys.platform == "win32":
        platform = "windows"
    elif sys.platform == "darwin":
        platform = "macos"
    else:
        try:
            with open("/etc/os-release", encoding="utf-8") as handle:
                platform = linux_family(handle.read())
        except OSError:
            platform = "linux"
    marker = os.path.join(sysconfig.get_path("stdlib") or "", "EXTERNALLY-MANAGED")
    executable = find_python(sys.executable or "", sys.prefix, sys.exec_prefix, sys.platform,
                             sys.version_info[:2], os.environ)
    return PythonInfo(executable, platform, in_venv or in_conda,
                      not (in_venv or in_conda) and os.path.isfile(marker))


# ----------------------------------------------------------------------------- install commands
def _quote(path: str, platform: str) -> str:
    if platform == "windows":
        return f'"{path}"' if re.search(r"[\s&()]", path) else path
    return shlex.quote(path)


def pip_arguments(modules: Sequence[str], info: PythonInfo, constraints: Optional[str] = None) -> List[str]:
    """Arguments after ``python -m`` that install ``modules`` with pip for QGIS's interpreter.

    ``--user`` outside a venv/conda environment (QGIS's own folders are read-only on Windows and
    macOS); ``constraints`` names a file that pins the numpy QGIS was built with.
    """
    args = ["pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off"]
    if not info.in_environment:
        args.append("--user")
    if constraints:
        args += ["--constraint", constraints]
    for module in modules:
        args += list(BY_MODULE[module].pip)
    return args


def numpy_constraint() -> Optional[str]:
    """``numpy==<the version QGIS runs>`` (installing rasterio must not replace QGIS's numpy), or None."""
    try:
        import numpy
    except Exception:  # noqa: BLE001
        return None
    return f"numpy=={numpy.__version__}"


def install_commands(modules: Sequence[str], info: PythonInfo) -> Dict[str, List[str]]:
    """{platform: command lines} that install ``modules`` there (keys: :data:`PLATFORMS` + "pip").

    Windows: in the OSGeo4W Shell (Start menu, QGIS folder), whose ``python`` is QGIS's.
    macOS: the python inside the QGIS application bundle (this installation's when on macOS).
    """
    deps = [BY_MODULE[m] for m in modules]
    pip_names = " ".join(name if "[" not in name else f'"{name}"' for d in deps for name in d.pip)
    mac_python = (info.executable if info.platform == "macos" and info.executable
                  else "/Applications/QGIS.app/Contents/MacOS/bin/python3")
    this_python = info.executable or "python3"
    user = "" if info.in_environment else " --user"
    return {
        "windows": [f"python -m pip install --user {pip_names}"],
        "macos": [f"{_quote(mac_python, 'macos')} -m ensurepip --user   # only if pip is missing",
                  f"{_quote(mac_python, 'macos')} -m pip install --user {pip_names}"],
        "debian": _distribution_commands(deps, "debian", "sudo apt install",
                                         "python3 -m pip install --user --break-system-packages"),
        "fedora": _distribution_commands(deps, "fedora", "sudo dnf install", "python3 -m pip install --user"),
        "conda": ["conda install -c conda-forge " + " ".join(p for d in deps for p in d.conda)],
        "pip": [f"{_quote(this_python, info.platform)} -m pip install{user} {pip_names}"],
    }


def _distribution_commands(deps: Sequence[Dependency], family: str, manager: str, pip: str) -> List[str]:
    """The package manager's line, and a pip line for what the distribution does not package."""
    packaged = [name for d in deps for name in getattr(d, family)]
    unpackaged = [name for d in deps if not getattr(d, family) for name in d.pip]
    lines = [f"{manager} {' '.join(packaged)}"] if packaged else []
    if unpackaged:
        lines.append(f"{pip} {' '.join(unpackaged)}   # not packaged by the distribution")
    return lines


def recommended_command(modules: Sequence[str], info: PythonInfo) -> str:
    """The one command line for this installation (for messages where there is no dialog): the
    distribution's or conda's package manager where they own QGIS's Python, else pip for it."""
    commands = install_commands(modules, info)
    if info.platform == "conda":
        return commands["conda"][0]
    if info.in_environment:
        return commands["pip"][0]
    if info.platform in ("debian", "fedora"):
        return commands[info.platform][0]
    if info.platform == "windows":
        return "OSGeo4W Shell: " + commands["windows"][0]
    return commands["pip"][0]
