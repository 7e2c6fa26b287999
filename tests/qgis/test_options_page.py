"""The "PALSAR-2" page of Settings › Options: every setting with its help, saved on OK, read by the dock and
the algorithms at once; invalid values are refused with a reason."""

from __future__ import annotations

import importlib

import pytest
from qgis.core import QgsSettings
from qgis.gui import QgsFileWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox

#: The settings the README lists under "Settings and credentials", and the layer-file settings.
README_KEYS = {"index_path", "download_folder", "data_folder", "opendata/bucket_url", "opendata/prefixes",
               "opendata/max_age_hours", "gportal/csw_url", "gportal/dataset_ids", "gportal/dataset_tree_url",
               "gportal/sftp_host", "gportal/sftp_port", "gportal/sftp_user", "gportal/sftp_path_rule",
               "gportal/known_hosts", "dask/scheduler", "layer_files", "layer_folder", "dem_path", "dem_height_reference"}


@pytest.fixture()
def options(plugin_package):
    return importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.options_page")


@pytest.fixture()
def clean_settings():
    """Every palsar2/ setting removed for the test and put back afterwards."""
    settings = QgsSettings()
    settings.beginGroup("palsar2")
    saved = {key: settings.value(key) for key in settings.allKeys()}
    settings.remove("")
    settings.endGroup()
    yield settings
    settings.remove("palsar2")
    for key, value in saved.items():
        settings.setValue(f"palsar2/{key}", value)


@pytest.fixture()
def page(options, clean_settings):
    widget = options.Palsar2OptionsFactory().createWidget(None)
    widget.resize(700, 900)
    widget.show()
    yield widget
    widget.close()
    widget.deleteLater()


def set_text(field, text):
    if isinstance(field.editor, QgsFileWidget):
        field.editor.setFilePath(text)
    else:
        field.editor.setText(text)


def test_the_plugin_adds_the_page_to_the_options_dialog(plugin, options, qgis_iface):
    assert isinstance(plugin.options_factory, QgsOptionsWidgetFactory)
    assert plugin.options_factory.title() == "PALSAR-2"
    assert not plugin.options_factory.icon().isNull()
    registered = [call.args[0] for call in qgis_iface.registerOptionsWidgetFactory.call_args_list]
    assert plugin.options_factory in registered
    page = plugin.options_factory.createWidget(None)
    assert page.objectName() == options.PAGE_NAME      # iface.showOptionsDialog(parent, PAGE_NAME) opens it
    page.deleteLater()


def test_every_setting_has_a_field_with_its_help_beside_it(page):
    assert set(page.fields) == README_KEYS
    for key, field in page.fields.items():
        assert field.spec.help and field.help_label.text() == field.spec.help, key
        assert field.help_label.isVisible() and field.editor.isVisible(), key
        # the help sits right under its field
        editor = field.editor.mapTo(page, field.editor.rect().bottomLeft())
        helper = field.help_label.mapTo(page, field.help_label.rect().topLeft())
        assert 0 <= helper.y() - editor.y() <= 12, key
        label = field.editor.parentWidget().findChildren(QLabel)
        assert any(lab.buddy() is field.editor and lab.text() == field.spec.label for lab in label), key
    kinds = {key: type(field.editor) for key, field in page.fields.items()}
    assert kinds["download_folder"] is QgsFileWidget and kinds["gportal/sftp_port"] is QSpinBox
    assert kinds["layer_files"] is QComboBox and kinds["opendata/bucket_url"] is QLineEdit
    # defaults show greyed in empty fields
    assert page.fields["opendata/bucket_url"].editor.placeholderText().startswith("https://")
    assert page.fields["layer_folder"].editor.lineEdit().placeholderText().endswith("layers")


def test_apply_saves_what_is_valid_and_says_what_is_not(page, clean_settings, tmp_path):
    fields = page.fields
    set_text(fields["download_folder"], str(tmp_path / "downloads"))
    set_text(fields["data_folder"], str(tmp_path / "data"))
    fields["layer_files"].editor.setCurrentIndex(fields["layer_files"].editor.findData("folder"))
    set_text(fields["opendata/bucket_url"], "ftp://example.org/bucket")
    set_text(fields["gportal/sftp_path_rule"], "^/old/ -> /new/")
    set_text(fields["dask/scheduler"], "tcp://10.0.0.5:8786")
    fields["opendata/max_age_hours"].editor.setValue(6)
    assert page.invalid_fields() == ["opendata/bucket_url", "gportal/sftp_path_rule"]
    assert fields["opendata/bucket_url"].error_label.isVisible()
    assert "https://" in fields["opendata/bucket_url"].error_label.text()
    assert "=>" in fields["gportal/sftp_path_rule"].error_label.text()
    page.apply()
    assert clean_settings.value("palsar2/download_folder") == str(tmp_path / "downloads")
    assert clean_settings.value("palsar2/data_folder") == str(tmp_path / "data")
    assert clean_settings.value("palsar2/layer_files") == "folder"
    assert clean_settings.value("palsar2/dask/scheduler") == "tcp://10.0.0.5:8786"
    assert int(clean_settings.value("palsar2/opendata/max_age_hours")) == 6
    assert clean_settings.value("palsar2/opendata/bucket_url") is None          # refused: not saved
    assert clean_settings.value("palsar2/gportal/sftp_path_rule") is None
    set_text(fields["gportal/sftp_path_rule"], "^(unclosed => /x/")
    assert "not valid" in fields["gportal/sftp_path_rule"].error_label.text()
    set_text(fields["gportal/sftp_path_rule"], r"^.*?/Standard/ => /product/Standard/")
    set_text(fields["opendata/bucket_url"], "http://127.0.0.1:9999")
    assert page.invalid_fields() == []
    page.apply()
    assert clean_settings.value("palsar2/opendata/bucket_url") == "http://127.0.0.1:9999"
    # an empty field (or the default value) removes the setting: the default applies again
    set_text(fields["download_folder"], "")
    fields["opendata/max_age_hours"].editor.setValue(24)
    fields["layer_files"].editor.setCurrentIndex(fields["layer_files"].editor.findData("beside"))
    page.apply()
    for key in ("download_folder", "opendata/max_age_hours", "layer_files"):
        assert clean_settings.value(f"palsar2/{key}") is None, key
    # a new page shows what is stored; Restore defaults empties every field
    again = type(page)()
    assert again.fields["data_folder"].text() == str(tmp_path / "data")
    again.reset()
    again.apply()
    assert clean_settings.value("palsar2/data_folder") is None
    again.deleteLater()


def test_the_dock_and_the_algorithms_use_the_new_values_at_once(page, clean_settings, plugin, plugin_package,
                                                                tmp_path):
    (tmp_path / "data").mkdir()
    set_text(page.fields["data_folder"], str(tmp_path / "data"))
    set_text(page.fields["download_folder"], str(tmp_path / "dl"))
    set_text(page.fields["opendata/bucket_url"], "http://127.0.0.1:1")
    page.apply()
    assert plugin.load_action.data_folder() == str(tmp_path / "data")       # was asked once and never again
    assert plugin.scene_actions.destination == str(tmp_path / "dl")
    assert plugin.scene_actions.bucket_url == "http://127.0.0.1:1"
    settings = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.settings")
    page.fields["layer_files"].editor.setCurrentIndex(page.fields["layer_files"].editor.findData("folder"))
    set_text(page.fields["layer_folder"], str(tmp_path / "layers"))
    page.apply()
    product = tmp_path / "p" / "x_summary.xml"
    product.parent.mkdir()
    assert settings.layer_folder_for(str(product)) == str(tmp_path / "layers")
    page.fields["layer_files"].editor.setCurrentIndex(page.fields["layer_files"].editor.findData("beside"))
    page.apply()
    assert settings.layer_folder_for(str(product)) == str(tmp_path / "p" / "palsar2_layers")
    assert settings.layer_folder_for("https://example.org/x_summary.xml") == str(tmp_path / "layers")


def test_a_folder_that_cannot_take_the_layer_files_uses_the_layer_folder(plugin_package, clean_settings, tmp_path):
    settings = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.settings")
    product = tmp_path / "product"
    product.mkdir()
    (product / "x_summary.xml").write_text("x")
    (product / "palsar2_layers").write_text("a file where the folder would go")   # cannot be created
    target = settings.layer_folder_for(str(product / "x_summary.xml"), "beside", str(tmp_path / "fallback"))
    assert target == str(tmp_path / "fallback") and (tmp_path / "fallback").is_dir()
    assert settings.layer_folder_for("/vsizip//x/p.zip/x_summary.xml", "beside",
                                     str(tmp_path / "fallback")) == str(tmp_path / "fallback")


def test_the_page_in_japanese(options, clean_settings, ui_language):
    ui_language("ja")
    page = options.Palsar2OptionsPage()
    try:
        assert page.fields["data_folder"].spec.label == "データフォルダ"
        assert "サブフォルダ" in page.fields["data_folder"].help_label.text()
        assert QCoreApplication.translate("Palsar2Settings", "Folders") == "フォルダ"
    finally:
        page.deleteLater()
