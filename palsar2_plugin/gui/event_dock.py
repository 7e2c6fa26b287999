"""The dock panel "PALSAR-2 disaster data": JAXA's free disaster-event scenes, browsable.

An event picker, a sortable and filterable table of the scenes (a :class:`QSortFilterProxyModel`
over :class:`EventSceneModel`) whose "Get data" column says how each scene's data is obtained
(the open-data bucket, a G-Portal order or JAXA's web page), a detail pane with the paired archive
acquisition, the link to that page, the notes and JAXA's credit, and a row of action buttons.

Actions are :class:`DockAction` objects: other parts of the plugin add them
(:meth:`EventDock.add_action`, or :meth:`EventDock.set_actions_available` for the built-in names
search, download and load); a button shows while its action is registered and is enabled only for
a selected row it can act on, its tooltip saying why not. "Open page" (the row's JAXA or G-Portal
page) belongs to the dock itself.

Layout: the dock opens in the bottom dock area (tabified with what is there), wide enough for the
table; the table and the details sit side by side when the dock is wide and one above the other
when it is tall. Columns can be shown or hidden from the header's context menu (remembered).
Keyboard: Alt+E event, Alt+F filter, Tab moves between picker, filter, table and details
(the table does not trap Tab), Enter in the table shows the scene's details and moves focus there.
All strings go through tr() in context "EventDock".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from qgis.core import QgsSettings
from qgis.gui import QgsDockWidget, QgsFilterLineEdit
from qgis.PyQt.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    pyqtSignal,
)
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import attribution
from .. import events as core_events
from ..errors import Palsar2Error
from .i18n import current_language

CONTEXT = "EventDock"

#: The built-in actions other parts of the plugin provide handlers for, in button order.
ACTION_NAMES = ("search", "refresh", "download", "load")

#: A handler receives the selected (event, scene).
ActionHandler = Callable[[core_events.Event, core_events.EventScene], None]
#: Why an action cannot act on a row ("" when it can).
Availability = Callable[[core_events.Event, core_events.EventScene], str]

#: Columns hidden unless the user shows them (header context menu); remembered in this setting.
DEFAULT_HIDDEN_COLUMNS = ("mode", "polarisations")
HIDDEN_COLUMNS_SETTING = "palsar2/dock/hidden_columns"
#: When the table is too narrow for its columns, these are left out first (their values stay in the
#: details pane); date, path, beam, pass and "Get data" always show.
FIT_HIDE_ORDER = ("polarisations", "mode", "products", "archive", "frame", "event")


def tr(text: str) -> str:
    """Translate ``text`` in the context "EventDock"."""
    return QCoreApplication.translate(CONTEXT, text)


def _escape(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


# ------------------------------------------------------------------------------------ data access

def access_label(route: core_events.AccessRoute) -> str:
    """The "Get data" cell: how the row's data is obtained, in a few words."""
    return {core_events.ACCESS_OPEN_DATA: tr("Search, download"),
            core_events.ACCESS_GPORTAL: tr("G-Portal order"),
            core_events.ACCESS_JAXA_PAGE: tr("JAXA web page")}.get(route.kind, "")


def access_text(route: core_events.AccessRoute) -> str:
    """A sentence saying how to get the row's data (plain text)."""
    if route.kind == core_events.ACCESS_OPEN_DATA:
        return tr("In JAXA's open-data bucket: Search shows its footprints and Download fetches it with its "
                  "archive scene.")
    if route.kind == core_events.ACCESS_GPORTAL:
        return tr("Order it on G-Portal (free after registering), put it in the data folder, then Load it.")
    return tr("Download it from the Download column of JAXA's web page, put it in the data folder, then Load it.")


def bucket_only(event: core_events.Event, scene: core_events.EventScene) -> str:
    """Availability of search and download: only rows whose files are in the open-data bucket."""
    route = core_events.access_route(event, scene)
    if route.kind == core_events.ACCESS_OPEN_DATA:
        return ""
    if route.kind == core_events.ACCESS_GPORTAL:
        return tr("This scene is not in the open-data bucket: order it on G-Portal (Open G-Portal).")
    return tr("This scene is not in the open-data bucket: download it from JAXA's web page (Open JAXA page).")


@dataclass
class DockAction:
    """A button of the dock: runs ``handler`` on the selected row when ``availability`` allows it."""

    name: str
    text: str
    tooltip: str
    handler: ActionHandler
    availability: Optional[Availability] = None

    def reason_not_available(self, event, scene) -> str:
        return self.availability(event, scene) if self.availability is not None else ""


def builtin_action(name: str, handler: ActionHandler) -> DockAction:
    """The dock's own text, tooltip and availability for a built-in action name."""
    texts = {"search": (tr("Sea&rch"), tr("Find this scene and its archive scene in the open-data bucket and "
                                          "show their footprints"), bucket_only),
             "refresh": (tr("Re&fresh listing"), tr("List the scene's folder in the bucket again now (a listing "
                                                    "is otherwise reused for a day)"), bucket_only),
             "download": (tr("&Download"), tr("Download the scene and its archive (pre-event) scene into the "
                                              "download folder"), bucket_only),
             "load": (tr("&Load"), tr("Load the scene and its archive scene from the data folder and compare "
                                      "them (change detection)"), None)}
    text, tooltip, availability = texts[name]
    return DockAction(name, text, tooltip, handler, availability)


# ------------------------------------------------------------------------------------------ model

class EventSceneModel(QAbstractTableModel):
    """Read-only table of (event, scene) pairs; one row per scene, page order."""

    #: Custom roles: a value that sorts correctly, the event id, the scene id, text to filter on.
    SortRole = Qt.UserRole + 1
    EventIdRole = Qt.UserRole + 2
    SceneIdRole = Qt.UserRole + 3
    SearchRole = Qt.UserRole + 4

    COLUMNS = ("event", "obs_date", "path", "frame", "beam", "mode", "direction", "products",
               "archive", "polarisations", "access")

    def __init__(self, pairs: Sequence[Tuple[core_events.Event, core_events.EventScene]], language: str = "en",
                 parent=None):
        super().__init__(parent)
        self._pairs = list(pairs)
        self._routes = [core_events.access_route(event, scene) for event, scene in self._pairs]
        self._language = language
        self._headers = {
            "event": tr("Event"),
            "obs_date": tr("Date"),
            "path": tr("Path"),
            "frame": tr("Frame"),
            "beam": tr("Beam"),
            "mode": tr("Mode"),
            "direction": tr("Pass"),
            "products": tr("Products"),
            "archive": tr("Archive"),
            "polarisations": tr("Polarisation"),
            "access": tr("Get data"),
        }

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._pairs)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self.COLUMNS):
            return self._headers[self.COLUMNS[section]]
        return None

    def pair(self, row: int) -> Tuple[core_events.Event, core_events.EventScene]:
        return self._pairs[row]

    def route(self, row: int) -> core_events.AccessRoute:
        return self._routes[row]

    def _display(self, column: str, event, scene, row: int) -> str:
        if column == "event":
            return event.short_name(self._language)
        if column == "obs_date":
            return scene.obs_date.isoformat()
        if column == "path":
            return str(scene.path)
        if column == "frame":
            return scene.frame_label
        if column == "beam":
            return scene.beam
        if column == "mode":
            return tr("ScanSAR") if scene.mode_family == "ScanSAR" else tr("Stripmap")
        if column == "direction":
            return tr("Asc") if scene.pass_direction == "ascending" else tr("Desc")
        if column == "products":
            return ", ".join(scene.products)
        if column == "archive":
            return ", ".join(d.isoformat() for d in scene.archive_dates)
        if column == "polarisations":
            return "+".join(scene.polarisations) if scene.polarisations else ""
        if column == "access":
            return access_label(self._routes[row])
        return ""

    def _sort_key(self, column: str, event, scene, row: int):
        if column == "obs_date":
            return f"{scene.obs_date.isoformat()} {scene.table_row:04d}"
        if column == "path":
            return scene.path
        if column == "frame":
            return -1 if scene.frame is None else scene.frame
        if column == "archive":
            return scene.archive_dates[0].isoformat() if scene.archive_dates else ""
        return self._display(column, event, scene, row).casefold()

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._pairs):
            return None
        row = index.row()
        event, scene = self._pairs[row]
        column = self.COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            return self._display(column, event, scene, row)
        if role == self.SortRole:
            return self._sort_key(column, event, scene, row)
        if role == self.EventIdRole:
            return event.event_id
        if role == self.SceneIdRole:
            return scene.scene_id
        if role == self.SearchRole:
            parts = [self._display(c, event, scene, row) for c in self.COLUMNS]
            parts += [event.name_en, event.name_ja, scene.scene_id, scene.pass_direction, scene.beam_label,
                      scene.look_side or "", " ".join(scene.scene_names)]
            return " ".join(parts).casefold()
        if role == Qt.ToolTipRole:
            if column == "access":
                return access_text(self._routes[row])
            if column == "beam" and scene.beam_file:
                return scene.beam_label
            return f"{event.name(self._language)}: {scene.scene_id}"
        if role == Qt.TextAlignmentRole and column in ("path", "frame"):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class EventSceneFilterProxy(QSortFilterProxyModel):
    """Filters by event id and by words: every word of the filter text must occur in the row."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._event_id = core_events.ALL_EVENTS
        self._words: List[str] = []
        self.setSortRole(EventSceneModel.SortRole)
        self.setDynamicSortFilter(True)

    def set_event_id(self, event_id: str) -> None:
        self._event_id = event_id or core_events.ALL_EVENTS
        self.invalidateFilter()

    def event_id(self) -> str:
        return self._event_id

    def set_filter_words(self, text: str) -> None:
        self._words = [w for w in text.casefold().split() if w]
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent):  # noqa: N802 (Qt API)
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._event_id != core_events.ALL_EVENTS and model.data(index, EventSceneModel.EventIdRole) != self._event_id:
            return False
        if not self._words:
            return True
        text = model.data(index, EventSceneModel.SearchRole)
        return all(word in text for word in self._words)


# ------------------------------------------------------------------------------------------- dock

class EventDock(QgsDockWidget):
    """Dock "PALSAR-2 disaster data" (objectName ``Palsar2EventDock``)."""

    OBJECT_NAME = "Palsar2EventDock"
    #: Share of the main window's height the dock takes when it first opens in the bottom area.
    FIRST_HEIGHT_SHARE = 0.45
    #: Share of the width the table takes when the details are beside it.
    TABLE_SHARE_SIDE_BY_SIDE = 0.6

    #: Emitted with the scene id when the selected scene changes ("" when nothing is selected).
    sceneSelected = pyqtSignal(str)

    def __init__(self, iface=None, parent=None, events: Optional[Sequence[core_events.Event]] = None,
                 events_file: Optional[str] = None):
        """``events`` (or the file ``events_file``) replace the bundled event list, e.g. in tests.

        A broken event file does not stop the plugin: the dock then shows the error instead.
        """
        super().__init__(parent)
        self.iface = iface
        self.setObjectName(self.OBJECT_NAME)
        self.setWindowTitle(tr("PALSAR-2 disaster data"))
        self._language = current_language()
        self._load_error = ""
        if events is not None:
            self._events = tuple(events)
        else:
            try:
                self._events = core_events.load_events(events_file)
            except Palsar2Error as error:
                self._events = ()
                self._load_error = str(error)
        self._actions: Dict[str, DockAction] = {}
        self._sized_once = False
        self._split_once = False
        self._build()
        self._on_selection_changed()

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self._build_pickers(body, layout)
        self._build_views(body, layout)
        self._build_actions(body, layout)
        self.setWidget(body)
        self.setMinimumWidth(260)
        self._set_tab_order()
        self._connect_signals()
        self._update_count()

    def _build_pickers(self, body: QWidget, layout: QVBoxLayout) -> None:
        """Event picker and filter line, each with a label that is its keyboard buddy, on one row."""
        row = QHBoxLayout()
        self.event_label = QLabel(tr("&Event:"), body)
        self.event_combo = QComboBox(body)
        self.event_combo.setObjectName("eventCombo")
        self.event_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.event_combo.setMinimumContentsLength(16)
        self.event_combo.addItem(tr("All events"), core_events.ALL_EVENTS)
        for event in self._events:
            self.event_combo.addItem(event.name(self._language), event.event_id)
            self.event_combo.setItemData(self.event_combo.count() - 1,
                                         f"{event.name_en} / {event.name_ja}", Qt.ToolTipRole)
        self.event_combo.setToolTip(tr("Show the scenes of one disaster event, or of all events"))
        self.event_label.setBuddy(self.event_combo)
        row.addWidget(self.event_label)
        row.addWidget(self.event_combo, 2)

        self.filter_label = QLabel(tr("&Filter:"), body)
        self.filter_edit = QgsFilterLineEdit(body)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setShowSearchIcon(True)
        self.filter_edit.setPlaceholderText(tr("Date, path, frame, beam, L1.1, Asc/Desc…"))
        self.filter_edit.setToolTip(tr("Show only the scenes that contain every word typed here"))
        self.filter_label.setBuddy(self.filter_edit)
        row.addWidget(self.filter_label)
        row.addWidget(self.filter_edit, 3)

        self.settings_button = QToolButton(body)
        self.settings_button.setObjectName("settingsButton")
        self.settings_button.setIcon(QIcon(":/images/themes/default/mActionOptions.svg"))
        self.settings_button.setAutoRaise(True)
        self.settings_button.setToolTip(tr("Settings: data and download folders, layer files, catalogues "
                                           "(Settings › Options › PALSAR-2)"))
        self.settings_button.setAccessibleName(tr("PALSAR-2 settings"))
        self.settings_button.clicked.connect(self.open_settings)
        self.settings_button.setVisible(self.iface is not None)
        row.addWidget(self.settings_button)
        layout.addLayout(row)

    def _build_views(self, body: QWidget, layout: QVBoxLayout) -> None:
        """The scene table over a filter proxy, and the detail pane, in a splitter."""
        self.model = EventSceneModel(core_events.scenes_for(core_events.ALL_EVENTS, self._events),
                                     self._language, self)
        self.proxy = EventSceneFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.table = QTableView(body)
        self.table.setObjectName("sceneTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(EventSceneModel.COLUMNS.index("obs_date"), Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table instead of walking its cells
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollPerPixel)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.Fixed)     # one line of text per row, whatever the style says
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.setAccessibleName(tr("Disaster-event scenes"))
        self._user_hidden = self._read_hidden_columns()
        self._fitted_out: List[str] = []
        self._column_widths = self._content_widths()
        self.table.installEventFilter(self)
        self._apply_hidden_columns()

        self.details = QTextBrowser(body)
        self.details.setObjectName("sceneDetails")
        self.details.setOpenExternalLinks(True)
        self.details.setAccessibleName(tr("Scene details"))

        self.splitter = QSplitter(Qt.Vertical, body)
        self.splitter.setObjectName("sceneSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

    def _build_actions(self, body: QWidget, layout: QVBoxLayout) -> None:
        """The action buttons (one per registered action, then "Open page"), the count and JAXA's credit."""
        row = QHBoxLayout()
        self.buttons: Dict[str, QPushButton] = {}
        self._button_row = row
        for name in ACTION_NAMES:   # the built-in buttons exist (hidden) so their order is fixed
            self._make_button(name, builtin_action(name, lambda *_: None))
        self.page_button = QPushButton(tr("Open &page"), body)
        self.page_button.setObjectName("pageButton")
        self.page_button.clicked.connect(self.open_page)
        row.addWidget(self.page_button)
        row.addStretch(1)
        self.count_label = QLabel(body)
        self.count_label.setObjectName("countLabel")
        row.addWidget(self.count_label)
        layout.addLayout(row)

        self.credit_label = QLabel(body)
        self.credit_label.setObjectName("creditLabel")
        self.credit_label.setTextFormat(Qt.RichText)
        self.credit_label.setOpenExternalLinks(True)
        self.credit_label.setWordWrap(True)
        self.credit_label.setText(
            f'{_escape(attribution.credit(self._language))} · '
            f'<a href="{attribution.TERMS_URL_JA if self._language == "ja" else attribution.TERMS_URL}">'
            f'{_escape(tr("Terms of use"))}</a>')
        layout.addWidget(self.credit_label)

    def _make_button(self, name: str, action: DockAction) -> QPushButton:
        button = QPushButton(action.text, self.widget() or self)
        button.setObjectName(f"{name}Button")
        button.setVisible(False)
        button.clicked.connect(lambda _checked=False, n=name: self.trigger_action(n))
        page_button = getattr(self, "page_button", None)
        index = self._button_row.indexOf(page_button) if page_button is not None else -1
        if index >= 0:
            self._button_row.insertWidget(index, button)
        else:
            self._button_row.addWidget(button)
        self.buttons[name] = button
        return button

    def _set_tab_order(self) -> None:
        QWidget.setTabOrder(self.event_combo, self.filter_edit)
        QWidget.setTabOrder(self.filter_edit, self.table)
        QWidget.setTabOrder(self.table, self.details)
        previous = self.details
        for button in list(self.buttons.values()) + [self.page_button]:
            QWidget.setTabOrder(previous, button)
            previous = button

    def _connect_signals(self) -> None:
        self.event_combo.currentIndexChanged.connect(self._on_event_changed)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection_changed())
        self.table.activated.connect(self._on_activated)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    # -- placement in QGIS -----------------------------------------------------------------
    def add_to_main_window(self) -> None:
        """Add the dock to QGIS's main window, hidden until opened from the menu: in the bottom area
        (wide enough for the table), as a tab beside the panels already there."""
        window = self.iface.mainWindow()
        area = Qt.BottomDockWidgetArea
        neighbours = [d for d in window.findChildren(QDockWidget)
                      if d is not self and d.isVisible() and window.dockWidgetArea(d) == area]
        self.iface.addDockWidget(area, self)
        if window.dockWidgetArea(self) == Qt.NoDockWidgetArea:   # an interface that only records the call
            window.addDockWidget(area, self)
        if neighbours:
            window.tabifyDockWidget(neighbours[0], self)
        self.hide()

    def showEvent(self, event):  # noqa: N802 (Qt API)
        """The first time it opens docked at the bottom, give the dock a usable height."""
        super().showEvent(event)
        window = self.parent()
        if self._sized_once or self.isFloating() or window is None or not hasattr(window, "resizeDocks"):
            return
        self._sized_once = True
        if window.dockWidgetArea(self) in (Qt.BottomDockWidgetArea, Qt.TopDockWidgetArea):
            height = max(260, int(window.height() * self.FIRST_HEIGHT_SHARE))
            window.resizeDocks([self], [height], Qt.Vertical)
        self.raise_()

    def resizeEvent(self, event):  # noqa: N802 (Qt API)
        """Details beside the table when the dock is wide, below it when it is tall."""
        super().resizeEvent(event)
        width, height = event.size().width(), event.size().height()
        # the table's share when side by side: room for the columns that always show, within limits
        frame = 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width() + 8
        needed = sum(self._column_widths[n] for n in EventSceneModel.COLUMNS if n not in FIT_HIDE_ORDER) + frame
        share = min(max(needed / max(width, 1), self.TABLE_SHARE_SIDE_BY_SIDE), 0.75)
        side_by_side = width >= 1.3 * height and needed <= 0.75 * width
        orientation = Qt.Horizontal if side_by_side else Qt.Vertical
        if orientation != self.splitter.orientation() or not self._split_once:
            self._split_once = True
            self.splitter.setOrientation(orientation)
            total = width if side_by_side else height
            share = share if side_by_side else 0.6
            self.splitter.setSizes([int(total * share), total - int(total * share)])

    def open_settings(self) -> None:
        """Settings › Options on the PALSAR-2 page."""
        from .options_page import show_options

        show_options(self.iface)

    # -- columns ---------------------------------------------------------------------------
    def _read_hidden_columns(self) -> List[str]:
        stored = QgsSettings().value(HIDDEN_COLUMNS_SETTING, None)
        if stored is None:
            return list(DEFAULT_HIDDEN_COLUMNS)
        names = [stored] if isinstance(stored, str) else list(stored)
        return [n for n in names if n in EventSceneModel.COLUMNS]

    def _content_widths(self) -> Dict[str, int]:
        """Width each column needs for its header and its widest value (pixels, with padding)."""
        metrics = self.table.fontMetrics()
        header_metrics = self.table.horizontalHeader().fontMetrics()
        padding = metrics.horizontalAdvance("0") + 6      # cell margins and grid line
        indicator = header_metrics.height()              # room for the sort arrow
        widths = {}
        for column, name in enumerate(EventSceneModel.COLUMNS):
            values = [self.model.data(self.model.index(row, column)) or "" for row in range(self.model.rowCount())]
            content = max([metrics.horizontalAdvance(v) for v in values] + [0])
            header = header_metrics.horizontalAdvance(self.model.headerData(column, Qt.Horizontal)) + indicator
            widths[name] = max(content, header) + padding
        return widths

    def shown_columns(self) -> List[str]:
        """Names of the columns the table shows now."""
        return [name for column, name in enumerate(EventSceneModel.COLUMNS) if not self.table.isColumnHidden(column)]

    def _wanted_columns(self) -> List[str]:
        one_event = self.current_event_id() != core_events.ALL_EVENTS
        # one event: its name is in the picker, so the event column would only repeat it
        return [name for name in EventSceneModel.COLUMNS
                if name not in self._user_hidden and not (name == "event" and one_event)]

    def _apply_hidden_columns(self, table_width: Optional[int] = None) -> None:
        """Show the wanted columns that fit the table's width (leaving out FIT_HIDE_ORDER first)."""
        shown = self._wanted_columns()
        scrollbar = self.table.verticalScrollBar().sizeHint().width()
        available = (table_width or self.table.width()) - 2 * self.table.frameWidth() - scrollbar
        fitted_out = []
        for name in FIT_HIDE_ORDER:
            if sum(self._column_widths[n] for n in shown) <= available:
                break
            if name in shown:
                shown.remove(name)
                fitted_out.append(name)
        self._fitted_out = fitted_out
        for column, name in enumerate(EventSceneModel.COLUMNS):
            self.table.setColumnHidden(column, name not in shown)
            if name in shown:
                self.table.setColumnWidth(column, self._column_widths[name])

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if watched is self.table and event.type() == QEvent.Resize:
            self._apply_hidden_columns(event.size().width())   # (the viewport is resized after this)
        return super().eventFilter(watched, event)

    def set_column_visible(self, name: str, visible: bool) -> None:
        """Show or hide a column (remembered for the next session)."""
        if visible and name in self._user_hidden:
            self._user_hidden.remove(name)
        elif not visible and name not in self._user_hidden:
            self._user_hidden.append(name)
        QgsSettings().setValue(HIDDEN_COLUMNS_SETTING, list(self._user_hidden))
        self._apply_hidden_columns()

    def _column_menu(self, position) -> None:
        menu = QMenu(self)
        for name in EventSceneModel.COLUMNS:
            action = menu.addAction(self.model.headerData(EventSceneModel.COLUMNS.index(name), Qt.Horizontal))
            action.setCheckable(True)
            action.setChecked(name not in self._user_hidden)
            if name in self._fitted_out:
                action.setText(tr("{} (no room: widen the panel)").format(action.text()))
            action.toggled.connect(lambda checked, n=name: self.set_column_visible(n, checked))
        menu.exec_(self.table.horizontalHeader().mapToGlobal(position))

    # -- public API ------------------------------------------------------------------------
    def events(self) -> Tuple[core_events.Event, ...]:
        return self._events

    def set_event(self, event_id: str) -> None:
        """Show only ``event_id``'s scenes ("all" for every event); raises UnknownEventError."""
        index = self.event_combo.findData(event_id or core_events.ALL_EVENTS)
        if index < 0:
            core_events.get_event(event_id, self._events)  # raises with the valid ids
        self.event_combo.setCurrentIndex(index)

    def current_event_id(self) -> str:
        return self.proxy.event_id()

    def set_filter_text(self, text: str) -> None:
        self.filter_edit.setText(text)

    def visible_scene_ids(self) -> List[str]:
        """Scene ids of the rows shown, in view (sorted) order."""
        return [self.proxy.data(self.proxy.index(row, 0), EventSceneModel.SceneIdRole)
                for row in range(self.proxy.rowCount())]

    def select_scene(self, scene_id: str) -> bool:
        """Select the shown row of ``scene_id``; False if it is filtered out or unknown."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.proxy.data(index, EventSceneModel.SceneIdRole) == scene_id:
                self.table.setCurrentIndex(index)
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def current_scene(self) -> Optional[Tuple[core_events.Event, core_events.EventScene]]:
        """The selected (event, scene), or None."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.pair(self.proxy.mapToSource(rows[0]).row())

    def details_text(self) -> str:
        """The detail pane as plain text."""
        return self.details.toPlainText()

    def add_action(self, action: DockAction) -> None:
        """Register ``action`` (replacing one of the same name); its button appears before "Open page"."""
        button = self.buttons.get(action.name) or self._make_button(action.name, action)
        button.setText(action.text)
        self._actions[action.name] = action
        button.setVisible(True)
        self._update_buttons()

    def remove_action(self, name: str) -> None:
        """Unregister the action ``name``; its button hides."""
        self._actions.pop(name, None)
        if name in self.buttons:
            self.buttons[name].setVisible(False)
        self._update_buttons()

    def set_actions_available(self, handlers: Dict[str, Optional[ActionHandler]]) -> None:
        """Register (callable) or remove (None) handlers of the built-in actions (:data:`ACTION_NAMES`),
        with the dock's texts, tooltips and availability. Other names raise ValueError."""
        unknown = set(handlers) - set(ACTION_NAMES)
        if unknown:
            raise ValueError(f"Unknown dock actions {sorted(unknown)}; known: {list(ACTION_NAMES)}")
        for name, handler in handlers.items():
            if handler is None:
                self.remove_action(name)
            else:
                self.add_action(builtin_action(name, handler))

    def available_actions(self) -> Tuple[str, ...]:
        """Names of the registered actions, in button order."""
        return tuple(name for name in self.buttons if name in self._actions)

    def action_unavailable_reason(self, name: str) -> str:
        """Why ``name`` cannot act now ("" when it can)."""
        action = self._actions.get(name)
        selected = self.current_scene()
        if action is None:
            return tr("Not available.")
        if selected is None:
            return tr("Select a scene first.")
        return action.reason_not_available(*selected)

    def trigger_action(self, name: str) -> bool:
        """Run the action ``name`` on the selected scene; False if it is not registered, nothing is
        selected or it cannot act on that scene."""
        action = self._actions.get(name)
        if action is None or self.action_unavailable_reason(name):
            return False
        action.handler(*self.current_scene())
        return True

    def open_page(self) -> bool:
        """Open the selected row's JAXA or G-Portal page in the web browser; False if it has none."""
        selected = self.current_scene()
        url = core_events.access_route(*selected).url if selected else ""
        return bool(url) and QDesktopServices.openUrl(QUrl(url))

    # -- reactions -------------------------------------------------------------------------
    def _on_event_changed(self, _index: int) -> None:
        event_id = self.event_combo.currentData()
        self._refilter(lambda: self.proxy.set_event_id(event_id))
        self._apply_hidden_columns()

    def _on_filter_changed(self, text: str) -> None:
        self._refilter(lambda: self.proxy.set_filter_words(text or ""))

    def _refilter(self, change: Callable[[], None]) -> None:
        """Apply a filter change; keep the selected scene if it stays visible, else select nothing."""
        selected = self.current_scene()
        change()
        self.table.selectionModel().clear()
        if selected is not None:
            self.select_scene(selected[1].scene_id)
        self._update_count()
        self._on_selection_changed()

    def _on_activated(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self._on_selection_changed()
        self.details.setFocus(Qt.OtherFocusReason)

    def _update_count(self, *_args) -> None:
        self.count_label.setText(tr("{shown} of {total} scenes").format(
            shown=self.proxy.rowCount(), total=self.model.rowCount()))

    def _update_buttons(self) -> None:
        for name, button in self.buttons.items():
            action = self._actions.get(name)
            if action is None:
                continue
            reason = self.action_unavailable_reason(name)
            button.setEnabled(not reason)
            button.setToolTip(action.tooltip if not reason else f"{action.tooltip}\n{reason}")
        selected = self.current_scene()
        route = core_events.access_route(*selected) if selected else None
        if route is not None and route.kind == core_events.ACCESS_GPORTAL:
            self.page_button.setText(tr("Open G-&Portal"))
        else:
            self.page_button.setText(tr("Open JAXA &page"))
        self.page_button.setEnabled(bool(route and route.url))
        if route is None:
            self.page_button.setToolTip(tr("Select a scene first."))
        elif route.url:
            self.page_button.setToolTip(tr("Open {} in the web browser").format(route.url))
        else:
            self.page_button.setToolTip(tr("This scene is in the open-data bucket: use Search and Download."))

    def _on_selection_changed(self) -> None:
        selected = self.current_scene()
        self._update_buttons()
        if selected is None:
            self.details.setHtml(self._overview_html())
            self.sceneSelected.emit("")
            return
        self.details.setHtml(self._scene_html(*selected))
        self.sceneSelected.emit(selected[1].scene_id)

    # -- detail pane -----------------------------------------------------------------------
    def _credit_html(self) -> str:
        url = attribution.TERMS_URL_JA if self._language == "ja" else attribution.TERMS_URL
        return (f'<p><i>{_escape(attribution.credit(self._language))}</i> — '
                f'<a href="{url}">{_escape(tr("Terms of use"))}</a></p>')

    def _overview_html(self) -> str:
        event_id = self.current_event_id()
        chosen = self._events if event_id == core_events.ALL_EVENTS else \
            tuple(e for e in self._events if e.event_id == event_id)
        if self._load_error:
            return (f"<p><b>{_escape(tr('The disaster-event list could not be loaded.'))}</b></p>"
                    f"<p>{_escape(self._load_error)}</p>")
        hint = tr("Select a scene to see its archive (pre-event) scene, how to get its data and its notes.")
        parts = [f"<p>{_escape(hint)}</p>"]
        for event in chosen:
            summary = event.summary_ja if self._language == "ja" else event.summary_en
            terms = event.terms_ja if self._language == "ja" else event.terms_en
            links = " · ".join(f'<a href="{_escape(url)}">{_escape(url)}</a>'
                               for url in dict.fromkeys((event.source_page,) + tuple(event.related_pages)) if url)
            parts.append(f"<h3>{_escape(event.name(self._language))}</h3>"
                         f"<p>{_escape(summary)}</p><p><b>{_escape(tr('Terms'))}:</b> {_escape(terms)}</p>"
                         + (f"<p><b>{_escape(tr('JAXA pages'))}:</b> {links}</p>" if links else ""))
        parts.append(self._credit_html())
        return "".join(parts)

    def _scene_html(self, event: core_events.Event, scene: core_events.EventScene) -> str:
        def row(label: str, value: str) -> str:
            return (f"<tr><th align='left' valign='top' width='34%'>{_escape(label)}</th>"
                    f"<td valign='top'>{value}</td></tr>")

        when = scene.obs_date.isoformat()
        if scene.obs_time_jst:
            when += f" {scene.obs_time_jst} JST"
        if scene.obs_time_utc:
            when += f" ({scene.obs_time_utc.strftime('%Y-%m-%d %H:%M')} UTC)"
        mode = tr("ScanSAR") if scene.mode_family == "ScanSAR" else tr("Stripmap")
        direction = tr("Ascending") if scene.pass_direction == "ascending" else tr("Descending")
        look = {"right": tr("Right-looking"), "left": tr("Left-looking")}.get(scene.look_side or "",
                                                                            tr("look side not stated"))
        pols = "+".join(scene.polarisations) if scene.polarisations else tr("Not stated")
        products = ", ".join(f"{p} ({core_events.PRODUCT_FORMATS[p]})" for p in scene.products)
        archive = "<br>".join(f"{_escape(a.product)}: <b>{a.date.isoformat()}</b>" for a in scene.archive)
        route = core_events.access_route(event, scene)
        access = _escape(access_text(route))
        if route.url:
            access += f'<br><a href="{_escape(route.url)}">{_escape(route.url)}</a>'
        rows = [
            row(tr("Get data"), access),
            row(tr("Event"), _escape(event.name(self._language))),
            row(tr("Observation date"), _escape(when)),
            row(tr("Path"), str(scene.path)),
            row(tr("Frame"), _escape(scene.frame_label or "—")),
            row(tr("Beam"), _escape(scene.beam_label)),
            row(tr("Mode"), _escape(mode)),
            row(tr("Direction"), _escape(f"{direction}, {look}")),
            row(tr("Polarisation"), _escape(pols)),
            row(tr("Products"), _escape(products)),
            row(tr("Archive (pre-event) scene"), archive),
            row(tr("Distribution"), _escape(scene.distribution)),
        ]
        if scene.scene_names:
            rows.append(row(tr("Scene"), _escape(", ".join(scene.scene_names))))
            rows.append(row(tr("Archive scene"), _escape(", ".join(scene.archive_scene_names))))
            rows.append(row(tr("Files"), _escape(tr("{} files (+{} archive files)").format(
                len(scene.keys), len(scene.archive_keys)))))
        notes = (list(scene.notes_ja) + list(scene.notes)) if self._language == "ja" else list(scene.notes)
        notes_html = "".join(f"<li>{_escape(n)}</li>" for n in notes)
        return (f"<h3>{_escape(scene.scene_id)}</h3>"
                f"<table width='100%' cellspacing='0' cellpadding='2'>{''.join(rows)}</table>"
                + (f"<p><b>{_escape(tr('Notes'))}</b></p><ul>{notes_html}</ul>" if notes else "")
                + self._credit_html())
