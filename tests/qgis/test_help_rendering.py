"""Help texts render as written: QGIS shows an algorithm's help, its toolbox tooltip and its parameters'
tooltips as HTML, where a placeholder such as <scene> would vanish as an unknown tag. Every algorithm of the
provider, in English and Japanese, in the algorithm dialog itself."""

from __future__ import annotations

import re

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QEvent
from qgis.PyQt.QtGui import QTextDocument
from qgis.PyQt.QtWidgets import QTextBrowser

PLACEHOLDER = re.compile(r"<[^<>\n]{1,40}>")

#: The placeholders the walk-through saw vanish, per algorithm and language.
NAMED = {
    ("terraincorrection", "en"): ["<scene>_<mode><R|L>NRB<A|D>"],
    ("terraincorrection", "ja"): ["<シーン>_<モード><R|L>NRB<A|D>"],
    ("downloadscenes", "en"): ["DESTINATION/<scene>_<product>/", "'<regex> => <replacement>'"],
    ("downloadscenes", "ja"): ["DESTINATION/<シーン>_<プロダクト>/", "'<正規表現> => <置換>'"],
    ("readceos", "en"): ["summary_<product>.txt"],
}


def rendered(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def as_qgis_shows_help(text: str) -> str:
    """QGIS's dialog: one paragraph per line of shortHelpString()."""
    return rendered("".join(f"<p>{line}</p>" for line in text.split("\n")))


def algorithms():
    provider = QgsApplication.processingRegistry().providerById("palsar2")
    return sorted(provider.algorithms(), key=lambda a: a.name())


@pytest.fixture(params=["en", "ja"])
def language(request, ui_language):
    ui_language(request.param)
    return request.param


def test_every_help_shows_its_placeholders(language):
    seen = set()
    for algorithm in algorithms():
        if not hasattr(algorithm, "help_text"):
            continue   # a shipped model: QGIS writes its help from the model's help content
        raw = algorithm.help_text()
        shown = as_qgis_shows_help(algorithm.shortHelpString())
        assert shown.replace("\n", "") == raw.replace("\n", ""), algorithm.name()
        for placeholder in PLACEHOLDER.findall(raw):
            assert placeholder in shown, (algorithm.name(), placeholder)
        for text in NAMED.get((algorithm.name(), language), []):
            assert text in shown, (algorithm.name(), text)
            seen.add(algorithm.name())
        # the toolbox tooltip (display name and first line, as HTML)
        tooltip = rendered(f"<b>{algorithm.displayName()}</b><br/>{algorithm.shortDescription()}")
        assert raw.split("\n", 1)[0] in tooltip, algorithm.name()
    assert seen == {name for name, lang in NAMED if lang == language}


def test_parameter_tooltips_show_their_placeholders(language):
    checked = 0
    for algorithm in algorithms():
        for parameter in algorithm.parameterDefinitions():
            shown = rendered(parameter.toolTip())
            assert "&lt;" not in shown and "&gt;" not in shown, (algorithm.name(), parameter.name())
            plain_help = rendered(parameter.help())
            assert plain_help in shown, (algorithm.name(), parameter.name())
            checked += bool(PLACEHOLDER.search(plain_help))
    download = QgsApplication.processingRegistry().createAlgorithmById("palsar2:downloadscenes")
    assert "<folder>/<scene>_<product>/" in rendered(download.parameterDefinition("DESTINATION").toolTip())
    assert "<regular expression> => <replacement>" in rendered(download.parameterDefinition("SFTP_PATH_RULE").toolTip())
    assert checked >= 2


def test_the_algorithm_dialog_shows_the_placeholders(language, dialog_iface):
    from processing.gui.AlgorithmDialog import AlgorithmDialog

    for name, texts in ((n, t) for (n, lang), t in NAMED.items() if lang == language):
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(f"palsar2:{name}")
        dialog = AlgorithmDialog(algorithm)
        try:
            browsers = [b.toPlainText() for b in dialog.findChildren(QTextBrowser)]
            assert any(all(text in shown for text in texts) for shown in browsers), (name, browsers)
        finally:
            dialog.close()
            dialog.deleteLater()
            QgsApplication.sendPostedEvents(None, QEvent.DeferredDelete)   # gone before the next test


@pytest.mark.slow   # qgis_process
def test_qgis_process_prints_the_help_as_written(qgis_process_call):
    """qgis_process prints help as plain text: there the placeholders are not escaped."""
    result = qgis_process_call("help", "palsar2:downloadscenes")
    assert result.returncode == 0, result.stderr
    assert "DESTINATION/<scene>_<product>/" in result.stdout and "'<regex> => <replacement>'" in result.stdout
    assert "Products go to <folder>/<scene>_<product>/." in result.stdout      # a parameter's help
    assert "&lt;" not in result.stdout and "&gt;" not in result.stdout
