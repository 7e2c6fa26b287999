"""The Japanese translation loads according to the QGIS locale."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication


@pytest.fixture
def japanese_locale(ui_language, plugin_package):
    ui_language("ja")
    yield plugin_package.palsar2_plugin.gui.i18n
    ui_language("en")
    QgsApplication.processingRegistry().providerById("palsar2").refreshAlgorithms()


def test_compiled_japanese_translation_exists(plugin_package):
    assert plugin_package.palsar2_plugin.gui.i18n.qm_path("ja").is_file()


def test_switching_the_locale_to_japanese_gives_japanese_labels(japanese_locale, plugin_package, qgis_iface):
    assert japanese_locale.current_language() == "ja"
    assert japanese_locale.install_translator() is not None
    assert QCoreApplication.translate("Palsar2Plugin", "PALSAR-2 disaster data") == "PALSAR-2 災害関連データ"

    # A plugin created under the Japanese locale shows Japanese in its menu and toolbox groups.
    plugin = plugin_package.classFactory(qgis_iface)
    try:
        assert plugin.tr("PALSAR-2 disaster data") == "PALSAR-2 災害関連データ"
        provider = QgsApplication.processingRegistry().providerById("palsar2")
        provider.refreshAlgorithms()  # as at a QGIS start in Japanese (models take their group when loaded)
        groups = {algorithm.group() for algorithm in provider.algorithms()}
        assert groups, "the provider has no algorithms"
        assert all(any(ord(ch) > 0x3000 for ch in group) for group in groups), groups
    finally:
        plugin.unload()  # registered no provider; removes only its translator


def test_english_locale_gives_english(plugin_package):
    i18n = plugin_package.palsar2_plugin.gui.i18n
    assert i18n.install_translator("en") is None
    assert QCoreApplication.translate("Palsar2Plugin", "PALSAR-2 disaster data") == "PALSAR-2 disaster data"
