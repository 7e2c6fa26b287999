"""The one message that says a Python package is missing, shared by the load-time message bar, the
dependency dialog and the algorithms (which raise it as a QgsProcessingException)."""

from __future__ import annotations

from typing import Dict, Mapping, Optional, Sequence

from qgis.PyQt.QtCore import QCoreApplication

from .. import dependencies

CONTEXT = "Dependencies"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def menu_path() -> str:
    """Where the dependency dialog is in QGIS's menus."""
    return tr("Raster › PALSAR-2 ScanSAR › Python packages…")


def optional_purpose(module: str) -> str:
    """What an optional package gives (shown where it matters)."""
    purposes = {
        "numba": tr("speed: compiled terrain correction and multilooking, about twice as fast as the numpy path "
                    "used without it"),
        "paramiko": tr("SFTP downloads (G-Portal)"),
        "distributed": tr("Dask clusters: batch terrain correction on a local cluster or a remote scheduler"),
        "snaphu": tr("phase unwrapping: the interferogram's line-of-sight displacement"),
    }
    return purposes.get(module, "")


def optional_note(module: str) -> str:
    """"numba is not installed (optional: speed …). Install it from …" for an algorithm's log."""
    return tr("{package} is not installed (optional: {purpose}). Install it from {menu}.").format(
        package=module, purpose=optional_purpose(module), menu=menu_path())


def package_list(modules: Sequence[str]) -> str:
    return ", ".join(modules)


def missing_message(modules: Sequence[str], tools: Sequence[str]) -> str:
    """"QGIS's Python lacks rasterio, so these tools cannot run: …" (``tools``: display names)."""
    if tools:
        return tr("QGIS's Python lacks {packages}, so these tools cannot run: {tools}.").format(
            packages=package_list(modules), tools=", ".join(tools))
    return tr("QGIS's Python lacks {packages}.").format(packages=package_list(modules))


def install_hint(modules: Sequence[str], info: Optional[dependencies.PythonInfo] = None) -> str:
    """How to install ``modules`` here: the dialog, or the command for this platform; then restart."""
    info = info or dependencies.python_info()
    return tr("Install it from {menu} (instructions for your system and an Install button) or run: {command} - "
              "then restart QGIS.").format(menu=menu_path(),
                                           command=dependencies.recommended_command(list(modules), info))


def failure_detail(reasons: Mapping[str, str]) -> str:
    """The import errors that are not a plain "No module named" (a broken build says why)."""
    odd = {m: r for m, r in reasons.items() if "No module named" not in r}
    if not odd:
        return ""
    return tr("Import error: {}").format("; ".join(f"{m}: {r}" for m, r in odd.items()))


def algorithm_message(reasons: Dict[str, str], tool: str) -> str:
    """The message an algorithm stops with when packages it needs do not import."""
    modules = list(reasons)
    parts = [missing_message(modules, [tool]), install_hint(modules), failure_detail(reasons)]
    return " ".join(p for p in parts if p)
