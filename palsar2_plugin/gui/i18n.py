"""Translation loading: picks the plugin's .qm file from the QGIS user locale.

The .qm files are built from ``i18n/palsar2_<lang>.ts`` by ``lrelease`` (``scripts/setup.sh``
and ``make translations`` do it). Languages without a .qm file fall back to English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

#: The repository/plugin root (the folder holding metadata.txt and i18n/).
PLUGIN_ROOT = Path(__file__).resolve().parents[2]
I18N_DIR = PLUGIN_ROOT / "i18n"

_installed: Optional[QTranslator] = None


def current_language() -> str:
    """Two-letter language code QGIS uses for its user interface (e.g. "en", "ja")."""
    settings = QgsSettings()
    override = settings.value("locale/overrideFlag", False, type=bool)
    locale = settings.value("locale/userLocale", "", type=str) if override else ""
    if not locale:
        locale = QgsApplication.locale() or "en"
    return locale[:2].lower()


def qm_path(language: str) -> Path:
    """Path of the compiled translation for ``language`` (may not exist)."""
    return I18N_DIR / f"palsar2_{language}.qm"


def install_translator(language: Optional[str] = None) -> Optional[QTranslator]:
    """Install the translator for ``language`` (default: QGIS's), replacing any previous one.

    Returns the installed translator, or None when the language has no translation (English).
    """
    remove_translator()
    language = language or current_language()
    path = qm_path(language)
    if not path.is_file():
        return None
    translator = QTranslator()
    if not translator.load(str(path)):
        return None
    QCoreApplication.installTranslator(translator)
    global _installed
    _installed = translator
    return translator


def remove_translator() -> None:
    """Remove the translator installed by :func:`install_translator`, if any."""
    global _installed
    if _installed is not None:
        QCoreApplication.removeTranslator(_installed)
        _installed = None


def tr(context: str, text: str) -> str:
    """Translate ``text`` in ``context`` (the class name, as pylupdate5 records it)."""
    return QCoreApplication.translate(context, text)
