"""The dock panel "PALSAR-2 disaster data": JAXA's free disaster-event scenes, browsable.

An event picker, a sortable and filterable table of the scenes (a :class:`QSortFilterProxyModel`
over :class:`EventSceneModel`), a detail pane with the paired archive acquisition, the notes and
JAXA's credit, and action buttons (search, download, load) that stay hidden until another part
of the plugin registers a handler through :meth:`EventDock.set_actions_available`.

Keyboard: Alt+E event, Alt+F filter, Tab moves between picker, filter, table and details
(the table does not trap Tab), Enter in the table shows the scene's details and moves focus there.
All strings go through tr() in context "EventDock".
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

from qgis.gui import QgsDockWidget, QgsFilterLineEdit
from qgis.PyQt.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    pyqtSignal,
)
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import attribution
from .. import events as core_events
from ..errors import Palsar2Error
from .i18n import current_language

CONTEXT = "EventDock"

#: The actions later features provide, in button order.
ACTION_NAMES = ("search", "refresh", "download", "load")

#: A handler receives the selected (event, scene).
ActionHandler = Callable[[core_events.Event, core_events.EventScene], None]


def tr(text: str) -> str:
    """Translate ``text`` in the context "EventDock"."""
    return QCoreApplication.translate(CONTEXT, text)


def _escape(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


# ------------------------------------------------------------------------------------------ model

class EventSceneModel(QAbstractTableModel):
    """Read-only table of (event, scene) pairs; one row per scene, page order."""

    #: Custom roles: a value that sorts correctly, the event id, the scene id, text to filter on.
    SortRole = Qt.UserRole + 1
    EventIdRole = Qt.UserRole + 2
    SceneIdRole = Qt.UserRole + 3
    SearchRole = Qt.UserRole + 4

    COLUMNS = ("event", "obs_date", "path", "frame", "beam", "mode", "direction", "products",
               "archive", "polarisations")

    def __init__(self, pairs: Sequence[Tuple[core_events.Event, core_events.EventScene]], language: str = "en",
                 parent=None):
        super().__init__(parent)
        self._pairs = list(pairs)
        self._language = language
        self._headers = {
            "event": tr("Event"),
            "obs_date": tr("Observation date"),
            "path": tr("Path"),
            "frame": tr("Frame"),
            "beam": tr("Beam"),
            "mode": tr("Mode"),
            "direction": tr("Direction"),
            "products": tr("Products"),
            "archive": tr("Archive date"),
            "polarisations": tr("Polarisation"),
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

    def _display(self, column: str, event, scene) -> str:
        if column == "event":
            return event.short_name(self._language)
        if column == "obs_date":
            return scene.obs_date.isoformat()
        if column == "path":
            return str(scene.path)
        if column == "frame":
            return scene.frame_label
        if column == "beam":
            return scene.beam_label
        if column == "mode":
            return tr("ScanSAR") if scene.mode_family == "ScanSAR" else tr("Stripmap")
        if column == "direction":
            return tr("Ascending") if scene.pass_direction == "ascending" else tr("Descending")
        if column == "products":
            return ", ".join(scene.products)
        if column == "archive":
            return ", ".join(d.isoformat() for d in scene.archive_dates)
        if column == "polarisations":
            return "+".join(scene.polarisations) if scene.polarisations else ""
        return ""

    def _sort_key(self, column: str, event, scene):
        if column == "obs_date":
            return f"{scene.obs_date.isoformat()} {scene.table_row:04d}"
        if column == "path":
            return scene.path
        if column == "frame":
            return -1 if scene.frame is None else scene.frame
        if column == "archive":
            return scene.archive_dates[0].isoformat() if scene.archive_dates else ""
        return self._display(column, event, scene).casefold()

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._pairs):
            return None
        event, scene = self._pairs[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            return self._display(column, event, scene)
        if role == self.SortRole:
            return self._sort_key(column, event, scene)
        if role == self.EventIdRole:
            return event.event_id
        if role == self.SceneIdRole:
            return scene.scene_id
        if role == self.SearchRole:
            parts = [self._display(c, event, scene) for c in self.COLUMNS]
            parts += [event.name_en, event.name_ja, scene.scene_id, scene.pass_direction,
                      scene.look_side or "", " ".join(scene.scene_names)]
            return " ".join(parts).casefold()
        if role == Qt.ToolTipRole:
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
        self._handlers: Dict[str, ActionHandler] = {}
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
        """Event picker and filter line, each with a label that is its keyboard buddy."""
        picker_row = QHBoxLayout()
        self.event_label = QLabel(tr("&Event:"), body)
        self.event_combo = QComboBox(body)
        self.event_combo.setObjectName("eventCombo")
        self.event_combo.addItem(tr("All events"), core_events.ALL_EVENTS)
        for event in self._events:
            self.event_combo.addItem(event.name(self._language), event.event_id)
            self.event_combo.setItemData(self.event_combo.count() - 1,
                                         f"{event.name_en} / {event.name_ja}", Qt.ToolTipRole)
        self.event_combo.setToolTip(tr("Show the scenes of one disaster event, or of all events"))
        self.event_label.setBuddy(self.event_combo)
        picker_row.addWidget(self.event_label)
        picker_row.addWidget(self.event_combo, 1)
        layout.addLayout(picker_row)

        filter_row = QHBoxLayout()
        self.filter_label = QLabel(tr("&Filter:"), body)
        self.filter_edit = QgsFilterLineEdit(body)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setShowSearchIcon(True)
        self.filter_edit.setPlaceholderText(tr("Date, path, frame, beam, L1.1, Asc/Desc…"))
        self.filter_edit.setToolTip(tr("Show only the scenes that contain every word typed here"))
        self.filter_label.setBuddy(self.filter_edit)
        filter_row.addWidget(self.filter_label)
        filter_row.addWidget(self.filter_edit, 1)
        layout.addLayout(filter_row)

    def _build_views(self, body: QWidget, layout: QVBoxLayout) -> None:
        """The scene table over a filter proxy, and the detail pane, in a vertical splitter."""
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
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.setAccessibleName(tr("Disaster-event scenes"))

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

        self.count_label = QLabel(body)
        self.count_label.setObjectName("countLabel")
        layout.addWidget(self.count_label)

    def _build_actions(self, body: QWidget, layout: QVBoxLayout) -> None:
        """Hidden action buttons (shown by set_actions_available) and JAXA's credit line."""
        buttons = QHBoxLayout()
        self.buttons: Dict[str, QPushButton] = {}
        texts = {"search": tr("Sea&rch"), "refresh": tr("Re&fresh listing"), "download": tr("&Download"),
                 "load": tr("&Load")}
        tips = {"search": tr("Search the catalogue for this scene"),
                "refresh": tr("List the scene's folder in the bucket again now (a listing is otherwise reused "
                              "for a day)"),
                "download": tr("Download the scene and its archive (pre-event) scene"),
                "load": tr("Load the downloaded scene into the map")}
        for name in ACTION_NAMES:
            button = QPushButton(texts[name], body)
            button.setObjectName(f"{name}Button")
            button.setToolTip(tips[name])
            button.setVisible(False)
            button.clicked.connect(lambda _checked=False, n=name: self.trigger_action(n))
            self.buttons[name] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

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

    def _set_tab_order(self) -> None:
        QWidget.setTabOrder(self.event_combo, self.filter_edit)
        QWidget.setTabOrder(self.filter_edit, self.table)
        QWidget.setTabOrder(self.table, self.details)
        previous = self.details
        for name in ACTION_NAMES:
            QWidget.setTabOrder(previous, self.buttons[name])
            previous = self.buttons[name]

    def _connect_signals(self) -> None:
        self.event_combo.currentIndexChanged.connect(self._on_event_changed)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection_changed())
        self.table.activated.connect(self._on_activated)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

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

    def set_actions_available(self, handlers: Dict[str, Optional[ActionHandler]]) -> None:
        """Register (callable) or remove (None) action handlers; a button shows only with a handler.

        Keys are names of :data:`ACTION_NAMES`; others raise ValueError.
        """
        unknown = set(handlers) - set(ACTION_NAMES)
        if unknown:
            raise ValueError(f"Unknown dock actions {sorted(unknown)}; known: {list(ACTION_NAMES)}")
        for name, handler in handlers.items():
            if handler is None:
                self._handlers.pop(name, None)
            else:
                self._handlers[name] = handler
            self.buttons[name].setVisible(handler is not None)
        self._update_buttons()

    def available_actions(self) -> Tuple[str, ...]:
        return tuple(name for name in ACTION_NAMES if name in self._handlers)

    def trigger_action(self, name: str) -> bool:
        """Run the handler of ``name`` on the selected scene; False if none is registered or selected."""
        handler = self._handlers.get(name)
        selected = self.current_scene()
        if handler is None or selected is None:
            return False
        handler(*selected)
        return True

    # -- reactions -------------------------------------------------------------------------
    def _on_event_changed(self, _index: int) -> None:
        event_id = self.event_combo.currentData()
        self._refilter(lambda: self.proxy.set_event_id(event_id))
        # one event: its name is in the picker, so the column would only repeat it
        self.table.setColumnHidden(EventSceneModel.COLUMNS.index("event"), event_id != core_events.ALL_EVENTS)

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
        has_scene = self.current_scene() is not None
        for name, button in self.buttons.items():
            button.setEnabled(has_scene and name in self._handlers)

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
        parts = [f"<p>{_escape(tr('Select a scene to see its archive (pre-event) scene and notes.'))}</p>"]
        for event in chosen:
            summary = event.summary_ja if self._language == "ja" else event.summary_en
            terms = event.terms_ja if self._language == "ja" else event.terms_en
            parts.append(f"<h3>{_escape(event.name(self._language))}</h3>"
                         f"<p>{_escape(summary)}</p><p><b>{_escape(tr('Terms'))}:</b> {_escape(terms)}</p>")
        parts.append(self._credit_html())
        return "".join(parts)

    def _scene_html(self, event: core_events.Event, scene: core_events.EventScene) -> str:
        def row(label: str, value: str) -> str:
            return (f"<tr><th align='left' valign='top' width='30%'>{_escape(label)}</th>"
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
        rows = [
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
