"""The dock "PALSAR-2 disaster data", headless: scenes, filter, sort, event picker, details, actions, keyboard."""

from __future__ import annotations

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication


@pytest.fixture
def dock_module(plugin_package):
    return plugin_package.palsar2_plugin.gui.event_dock


@pytest.fixture
def dock(dock_module):
    widget = dock_module.EventDock(None, None)
    widget.resize(500, 600)
    widget.show()
    QApplication.processEvents()
    yield widget
    widget.close()
    widget.deleteLater()
    QApplication.processEvents()


def column(dock, name):
    return dock.model.COLUMNS.index(name)


def shown_values(dock, name):
    col = column(dock, name)
    return [dock.proxy.data(dock.proxy.index(row, col)) for row in range(dock.proxy.rowCount())]


def test_the_plugin_dock_opens_with_every_scene(plugin, dock_module):
    dock = plugin.event_dock()
    assert isinstance(dock, dock_module.EventDock)
    assert dock.objectName() == "Palsar2EventDock"
    assert dock.windowTitle() == "PALSAR-2 disaster data"
    assert dock.proxy.rowCount() == dock.model.rowCount() == 49
    assert dock.count_label.text() == "49 of 49 scenes"
    # The plugin registers the search/refresh/download (issues 5, 14) and load (issue 6) handlers.
    assert set(dock.available_actions()) == {"search", "refresh", "download", "load"}


def test_a_dock_without_handlers_hides_its_action_buttons(dock):
    assert all(button.isHidden() for button in dock.buttons.values())
    assert dock.available_actions() == ()


def test_filter_words_narrow_the_rows(dock):
    dock.set_filter_text("U2-8L")
    assert dock.proxy.rowCount() == 3
    assert set(shown_values(dock, "path")) == {"26"}
    dock.set_filter_text("W2 descending")   # every word must match: Taiwan p28 (6), Noto p21 (2), Turkey (5)
    assert dock.proxy.rowCount() == 13
    dock.set_filter_text("2024-01-10")
    assert dock.proxy.rowCount() == 6
    dock.set_filter_text("noto l2.1")
    assert dock.proxy.rowCount() == 21 + 2
    dock.set_filter_text("nothing-like-this")
    assert dock.proxy.rowCount() == 0
    assert dock.count_label.text() == "0 of 49 scenes"
    dock.filter_edit.clear()
    QTest.keyClicks(dock.filter_edit, "turkey 2850")   # typed, as a user would
    assert dock.visible_scene_ids() == ["turkey2023-20230217-p077-f2850-aws"]


def test_sorting_by_columns(dock):
    dock.table.sortByColumn(column(dock, "path"), Qt.AscendingOrder)
    paths = [int(p) for p in shown_values(dock, "path")]
    assert paths == sorted(paths) and paths[0] == 19 and paths[-1] == 185
    dock.table.sortByColumn(column(dock, "path"), Qt.DescendingOrder)
    assert int(shown_values(dock, "path")[0]) == 185
    dock.table.sortByColumn(column(dock, "obs_date"), Qt.AscendingOrder)
    dates = shown_values(dock, "obs_date")
    assert dates[0] == "2023-02-11" and dates[-1] == "2024-04-05" and dates == sorted(dates)
    dock.table.sortByColumn(column(dock, "archive"), Qt.AscendingOrder)
    assert shown_values(dock, "archive")[0] == "2019-09-18"
    # frames sort as numbers, scenes without a frame first
    dock.table.sortByColumn(column(dock, "frame"), Qt.AscendingOrder)
    frames = shown_values(dock, "frame")
    assert frames[:6] == [""] * 6 and frames[6] == "0720" and frames[-1] == "3150"


def test_picking_an_event_filters_the_table(dock, dock_module):
    expected = {"taiwan2024": 12, "noto2024": 29, "turkey2023": 8, "all": 49}
    for event_id, count in expected.items():
        dock.set_event(event_id)
        assert dock.current_event_id() == event_id
        assert dock.proxy.rowCount() == count
        assert dock.count_label.text() == f"{count} of 49 scenes"
    assert not dock.table.isColumnHidden(column(dock, "event"))
    dock.set_event("noto2024")
    assert all(scene_id.startswith("noto2024-") for scene_id in dock.visible_scene_ids())
    assert dock.table.isColumnHidden(column(dock, "event"))   # the picker already names the event
    dock.set_filter_text("W2")          # event and words combine
    assert dock.proxy.rowCount() == 8
    # the picker with the keyboard
    dock.event_combo.setFocus()
    dock.event_combo.setCurrentIndex(0)
    QTest.keyClick(dock.event_combo, Qt.Key_Down)
    assert dock.current_event_id() == "taiwan2024"
    assert dock.proxy.rowCount() == 6      # Taiwan W2 rows
    with pytest.raises(dock_module.core_events.UnknownEventError):
        dock.set_event("atlantis")


def test_selecting_a_row_fills_the_detail_pane(dock):
    received = []
    dock.sceneSelected.connect(received.append)
    assert "Select a scene" in dock.details_text()
    assert "Data provided by JAXA" in dock.details_text()
    assert dock.select_scene("noto2024-20240101-p121-f0750")
    event, scene = dock.current_scene()
    assert scene.scene_id == "noto2024-20240101-p121-f0750" and event.event_id == "noto2024"
    text = dock.details_text()
    assert "Archive (pre-event) scene" in text
    assert "L1.1: 2022-09-26" in text and "L2.1: 2022-09-26" in text
    assert "U2-6L" in text and "23:10 JST" in text and "2024-01-01 14:10 UTC" in text
    assert "Non-commercial use only" in text
    assert "Data provided by JAXA" in text
    assert received[-1] == "noto2024-20240101-p121-f0750"
    assert dock.select_scene("turkey2023-20230217-p077-f2900-aws")
    text = dock.details_text()
    assert "2022-09-16" in text and "ALOS2449082900-220916-WBSR1.1__D" in text and "14 files (+14 archive files)" in text
    # filtering the selected row away clears the selection and the details
    dock.set_event("taiwan2024")
    assert dock.current_scene() is None
    assert "Select a scene" in dock.details_text()
    assert received[-1] == ""


def test_enter_in_the_table_shows_details(dock):
    dock.set_event("taiwan2024")
    dock.table.sortByColumn(column(dock, "obs_date"), Qt.AscendingOrder)
    dock.activateWindow()
    dock.table.setFocus()
    dock.table.setCurrentIndex(dock.proxy.index(5, 0))
    dock.table.clearSelection()
    assert dock.current_scene() is None
    QTest.keyClick(dock.table, Qt.Key_Return)
    _, scene = dock.current_scene()
    assert scene.scene_id == "taiwan2024-20240404-p025-f3150-b1-5"
    assert "L2.1: 2024-02-08" in dock.details_text()
    assert QApplication.focusWidget() in (dock.details, dock.details.viewport())


def test_actions_are_hidden_until_a_handler_exists(dock, dock_module):
    assert [name for name, b in dock.buttons.items() if not b.isHidden()] == []
    calls = []
    dock.set_actions_available({"download": lambda event, scene: calls.append(scene.scene_id)})
    assert not dock.buttons["download"].isHidden()
    assert dock.buttons["search"].isHidden() and dock.buttons["load"].isHidden()
    assert dock.available_actions() == ("download",)
    assert not dock.buttons["download"].isEnabled()       # nothing selected yet
    dock.select_scene("taiwan2024-20240405-p028-f3150-b2")
    assert dock.buttons["download"].isEnabled()
    QTest.mouseClick(dock.buttons["download"], Qt.LeftButton)
    assert calls == ["taiwan2024-20240405-p028-f3150-b2"]
    assert dock.trigger_action("load") is False
    dock.set_actions_available({"download": None})
    assert dock.buttons["download"].isHidden() and dock.available_actions() == ()
    with pytest.raises(ValueError, match="publish"):
        dock.set_actions_available({"publish": print})


def test_keyboard_buddies_and_tab_order(dock):
    assert dock.event_label.buddy() is dock.event_combo
    assert dock.filter_label.buddy() is dock.filter_edit
    assert dock.event_label.text().count("&") == 1 and dock.filter_label.text().count("&") == 1
    assert not dock.table.tabKeyNavigation()

    def next_focus(widget):
        candidate = widget.nextInFocusChain()
        while not (candidate.focusPolicy() & Qt.TabFocus) or not candidate.isVisibleTo(dock) \
                or (candidate is not dock.details and candidate.parent() in (dock.filter_edit, dock.details)):
            candidate = candidate.nextInFocusChain()
        return candidate

    assert next_focus(dock.event_combo) is dock.filter_edit
    assert next_focus(dock.filter_edit) is dock.table
    assert next_focus(dock.table) is dock.details


def test_splitter_gives_room_to_the_table_when_the_dock_grows(dock):
    assert dock.splitter.orientation() == Qt.Vertical
    assert dock.splitter.widget(0) is dock.table and dock.splitter.widget(1) is dock.details
    assert not dock.splitter.childrenCollapsible()
    dock.resize(400, 450)
    QApplication.processEvents()
    small = dock.table.height()
    dock.resize(900, 1100)
    QApplication.processEvents()
    assert dock.table.height() > small + 200
    assert dock.table.horizontalHeader().stretchLastSection()


def test_a_broken_event_file_shows_the_error_instead_of_failing(dock_module, tmp_path):
    broken = tmp_path / "events.json"
    broken.write_text('{"schema": "palsar2-disaster-event-scenes", "schema_version": 99}', encoding="utf-8")
    dock = dock_module.EventDock(None, None, events_file=str(broken))
    try:
        assert dock.proxy.rowCount() == 0 and dock.event_combo.count() == 1
        assert "could not be loaded" in dock.details_text()
        assert "schema_version 99 is not supported" in dock.details_text()
    finally:
        dock.deleteLater()


def test_japanese_locale_gives_a_japanese_dock(plugin_package, dock_module):
    i18n = plugin_package.palsar2_plugin.gui.i18n
    settings = QgsSettings()
    saved = (settings.value("locale/overrideFlag"), settings.value("locale/userLocale"))
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "ja")
    try:
        assert i18n.install_translator() is not None
        assert QCoreApplication.translate("EventDock", "PALSAR-2 disaster data") == "PALSAR-2 災害関連データ"
        dock = dock_module.EventDock(None, None)
        try:
            assert dock.windowTitle() == "PALSAR-2 災害関連データ"
            assert dock.event_combo.itemText(2) == "令和6年(2024年)能登半島地震"
            assert dock.event_label.text() == "災害(&E):"
            assert dock.model.headerData(column(dock, "obs_date"), Qt.Horizontal) == "観測日"
            assert "提供:JAXA" in dock.details_text()
            dock.select_scene("taiwan2024-20240404-p025-f3150-b1")
            assert "アーカイブデータ" in dock.details_text()
            assert "HH偏波のみ" in dock.details_text()
        finally:
            dock.deleteLater()
    finally:
        settings.setValue("locale/overrideFlag", saved[0] if saved[0] is not None else False)
        settings.setValue("locale/userLocale", saved[1] if saved[1] is not None else "")
        i18n.install_translator()
