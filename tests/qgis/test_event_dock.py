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
    widget.resize(1300, 1100)   # details below a table wide enough for every default column
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
    # The plugin registers the search/refresh/download (issues 5, 14), load (issue 6) and interferogram
    # (issue 17) handlers.
    assert set(dock.available_actions()) == {"search", "refresh", "download", "load", "interferogram"}


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
    assert "Select a scene first" in dock.buttons["download"].toolTip()
    dock.select_scene("turkey2023-20230217-p077-f2850-aws")
    assert dock.buttons["download"].isEnabled()
    QTest.mouseClick(dock.buttons["download"], Qt.LeftButton)
    assert calls == ["turkey2023-20230217-p077-f2850-aws"]
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
    assert dock.splitter.orientation() == Qt.Vertical     # a tall dock: details below the table
    assert dock.splitter.widget(0) is dock.table and dock.splitter.widget(1) is dock.details
    assert not dock.splitter.childrenCollapsible()
    dock.resize(400, 450)
    QApplication.processEvents()
    small = dock.table.height()
    dock.resize(900, 1100)
    QApplication.processEvents()
    assert dock.table.height() > small + 200
    assert dock.table.horizontalHeader().stretchLastSection()
    dock.resize(1400, 400)                                 # a wide dock (bottom area): details beside it
    QApplication.processEvents()
    assert dock.splitter.orientation() == Qt.Horizontal
    assert dock.table.height() > 250 and dock.table.width() > dock.details.width()


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


def test_japanese_locale_gives_a_japanese_dock(ui_language, dock_module):
    assert ui_language("ja") is not None
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
        assert dock.model.headerData(column(dock, "access"), Qt.Horizontal) == "データの入手"
        assert "JAXAのWebページ" in dock.details_text() and dock.page_button.text() == "JAXAのページを開く(&P)"
    finally:
        dock.deleteLater()


# ------------------------------------------------------------------ how to get each row's data, and actions

def test_every_row_says_how_to_get_its_data(dock, dock_module):
    events = dock_module.core_events
    col = column(dock, "access")
    labels = {}
    for row in range(dock.model.rowCount()):
        event, scene = dock.model.pair(row)
        labels.setdefault(dock.model.data(dock.model.index(row, col)), []).append(scene.scene_id)
        assert dock.model.data(dock.model.index(row, col), Qt.ToolTipRole)
    assert {label: len(ids) for label, ids in labels.items()} == {
        "JAXA web page": 41, "G-Portal order": 6, "Search, download": 2}
    assert "access" in dock.shown_columns()
    # a Taiwan row: JAXA's page (the event data's source_page), search and download cannot act
    taiwan = "taiwan2024-20240405-p028-f3150-b2"
    assert dock.select_scene(taiwan)
    source_page = dock.current_scene()[0].source_page
    assert source_page.startswith("https://www.eorc.jaxa.jp/")
    text = dock.details_text()
    assert "Download column of JAXA's web page" in text and source_page in text
    assert "href=\"" + source_page in dock.details.toHtml()
    assert dock.page_button.isEnabled() and dock.page_button.text() == "Open JAXA &page"
    assert source_page in dock.page_button.toolTip()
    # a G-Portal row
    assert dock.select_scene("turkey2023-20230211-p185")
    assert dock.page_button.text() == "Open G-&Portal" and dock.page_button.isEnabled()
    assert events.GPORTAL_SEARCH_URL in dock.details_text() and "G-Portal" in dock.details_text()
    # an open-data row: the plugin gets it itself, no page to open
    assert dock.select_scene("turkey2023-20230217-p077-f2850-aws")
    assert not dock.page_button.isEnabled() and "Search and Download" in dock.page_button.toolTip()
    assert "open-data bucket" in dock.details_text()


def test_buttons_that_cannot_act_are_disabled_and_say_why(dock, dock_module, monkeypatch):
    calls = []
    dock.set_actions_available({name: (lambda event, scene, n=name: calls.append((n, scene.scene_id)))
                                for name in dock_module.ACTION_NAMES})
    expectations = {"taiwan2024-20240404-p025-f3150-b1": "download it from JAXA's web page",
                    "noto2024-20240101-p121-f0750": "download it from JAXA's web page",
                    "turkey2023-20230211-p185": "order it on G-Portal"}
    for scene_id, reason in expectations.items():
        assert dock.select_scene(scene_id)
        for name in ("search", "refresh", "download"):
            button = dock.buttons[name]
            assert not button.isEnabled() and reason in button.toolTip(), (scene_id, name)
            assert dock.trigger_action(name) is False
        assert dock.buttons["load"].isEnabled()              # a product may be in the data folder already
    assert calls == []
    assert dock.select_scene("turkey2023-20230217-p077-f2900-aws")
    assert all(dock.buttons[n].isEnabled() for n in dock_module.ACTION_NAMES)
    QTest.mouseClick(dock.buttons["download"], Qt.LeftButton)
    assert calls == [("download", "turkey2023-20230217-p077-f2900-aws")]
    opened = []
    monkeypatch.setattr(dock_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    assert dock.select_scene("noto2024-20240101-p121-f0750")
    QTest.mouseClick(dock.page_button, Qt.LeftButton)
    assert opened == [dock.current_scene()[0].source_page]


def test_a_new_row_action_is_one_call(dock, dock_module):
    """How a later feature (e.g. interferometry) adds its button: a DockAction with its own availability."""
    done = []

    def needs_l11(event, scene):
        return "" if "L1.1" in scene.products else "This scene has no L1.1 product."

    dock.add_action(dock_module.DockAction("interferogram", "&Interferogram", "Interferogram of the pair",
                                           lambda event, scene: done.append(scene.scene_id), needs_l11))
    button = dock.buttons["interferogram"]
    assert not button.isHidden() and dock.available_actions()[-1] == "interferogram"
    row = dock.widget().layout()
    assert button.parentWidget() is dock.page_button.parentWidget()
    layout = next(row.itemAt(i).layout() for i in range(row.count())
                  if row.itemAt(i).layout() and row.itemAt(i).layout().indexOf(dock.page_button) >= 0)
    assert layout.indexOf(button) == layout.indexOf(dock.page_button) - 1       # just before "Open page"
    l21_only = next(s.scene_id for e, s in dock.model._pairs if s.products == ("L2.1",))
    assert dock.select_scene(l21_only)
    assert not button.isEnabled() and "no L1.1 product" in button.toolTip()
    assert dock.select_scene("noto2024-20240101-p121-f0750")
    assert dock.trigger_action("interferogram") and done == ["noto2024-20240101-p121-f0750"]
    dock.remove_action("interferogram")
    assert button.isHidden() and "interferogram" not in dock.available_actions()


def test_columns_can_be_hidden_and_are_remembered(dock, dock_module):
    settings = QgsSettings()
    saved = settings.value(dock_module.HIDDEN_COLUMNS_SETTING)
    try:
        assert "polarisations" not in dock.shown_columns()       # hidden by default
        dock.set_column_visible("polarisations", True)
        dock.set_column_visible("products", False)
        assert "polarisations" in dock.shown_columns() and "products" not in dock.shown_columns()
        again = dock_module.EventDock(None, None)
        again.resize(1300, 1100)
        again.show()
        QApplication.processEvents()
        assert "polarisations" in again.shown_columns() and "products" not in again.shown_columns()
        again.deleteLater()
    finally:
        if saved is None:
            settings.remove(dock_module.HIDDEN_COLUMNS_SETTING)
        else:
            settings.setValue(dock_module.HIDDEN_COLUMNS_SETTING, saved)


class _Interface:
    """What the dock asks of QGIS's interface to place itself: the main window and its addDockWidget."""

    def __init__(self, window):
        self.window = window

    def mainWindow(self):  # noqa: N802
        return self.window

    def addDockWidget(self, area, dock):  # noqa: N802
        self.window.addDockWidget(area, dock)


@pytest.fixture
def laptop_window():
    """A 1366 x 768 main window laid out as QGIS's: map in the middle, Browser and Layers panels on the left,
    the Processing toolbox on the right, side panels taking the full height."""
    from qgis.PyQt.QtWidgets import QDockWidget, QLabel, QMainWindow

    window = QMainWindow()
    window.setCorner(Qt.TopLeftCorner, Qt.LeftDockWidgetArea)
    window.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
    window.setCorner(Qt.TopRightCorner, Qt.RightDockWidgetArea)
    window.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
    window.setCentralWidget(QLabel("map"))
    window.resize(1366, 768)
    panels = []
    for name, area in (("Browser", Qt.LeftDockWidgetArea), ("Layers", Qt.LeftDockWidgetArea),
                       ("ProcessingToolbox", Qt.RightDockWidgetArea)):
        panel = QDockWidget(name, window)
        panel.setObjectName(name)
        panel.setWidget(QLabel(name))
        window.addDockWidget(area, panel)
        panels.append(panel)
    window.show()
    window.resizeDocks(panels[:1], [270], Qt.Horizontal)
    window.resizeDocks(panels[2:], [300], Qt.Horizontal)
    QApplication.processEvents()
    yield window
    window.close()
    window.deleteLater()
    QApplication.processEvents()


def test_the_dock_opens_usable_at_laptop_size(dock_module, laptop_window):
    dock = dock_module.EventDock(_Interface(laptop_window), laptop_window)
    dock.add_to_main_window()
    assert dock.isHidden()                                   # opened from the menu
    dock.toggleViewAction().trigger()
    for _ in range(5):
        QApplication.processEvents()
    # its own area, not squeezed under the Processing toolbox
    assert laptop_window.dockWidgetArea(dock) == Qt.BottomDockWidgetArea
    assert laptop_window.tabifiedDockWidgets(dock) == []
    assert dock.height() >= 0.4 * laptop_window.height() and dock.width() >= 700
    table = dock.table
    row_height = table.rowHeight(0)
    assert row_height <= table.fontMetrics().height() + 8     # one line of text per row
    assert table.viewport().height() // row_height >= 6       # several rows at once
    # the columns that show fit: no sideways scrolling, and the essential ones are there
    assert table.horizontalScrollBar().maximum() == 0
    assert {"obs_date", "path", "beam", "direction", "access"} <= set(dock.shown_columns())
    assert dock.splitter.orientation() == Qt.Horizontal      # details beside the table in a wide dock
    assert dock.details.width() >= 200
    for widget in (dock.event_combo, dock.filter_edit, dock.page_button, dock.count_label):
        assert widget.isVisible() and dock.rect().contains(widget.mapTo(dock, widget.rect().bottomRight()))
    # a bottom panel already open (e.g. Log Messages): the dock becomes a tab beside it, raised
    second = dock_module.EventDock(_Interface(laptop_window), laptop_window)
    second.setObjectName("Palsar2EventDockSecond")
    second.add_to_main_window()
    second.show()
    QApplication.processEvents()
    assert laptop_window.tabifiedDockWidgets(second) == [dock]
    second.deleteLater()
    dock.deleteLater()
