"""Missing Python packages in QGIS: the load-time message bar, the "Python packages" dialog (status,
exact commands per platform, an Install button running pip for QGIS's interpreter) and the restart.

What each package is needed for comes from the algorithms' ``REQUIRES`` (models: their children's)
and from the disaster-data panel's actions; the message is :mod:`.dependency_text`'s, the same one
the algorithms stop with.
"""

from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set

from qgis.core import Qgis, QgsApplication, QgsProcessingModelAlgorithm
from qgis.PyQt.QtCore import QCoreApplication, QProcess, Qt, QTimer
from qgis.PyQt.QtGui import QGuiApplication
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from .. import dependencies
from . import dependency_text
from .pip_install_task import PipInstallTask

CONTEXT = "DependencyDialog"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


# ----------------------------------------------------------------------------- what needs what
def algorithm_requirements(algorithm) -> Set[str]:
    """Packages an algorithm needs: its ``REQUIRES``, or for a model those of its child algorithms."""
    needed = set(getattr(algorithm, "REQUIRES", ()) or ())
    if isinstance(algorithm, QgsProcessingModelAlgorithm):
        for child in algorithm.childAlgorithms().values():
            if child.algorithm() is not None:
                needed |= algorithm_requirements(child.algorithm())
    return needed


def tools_by_module(algorithms: Iterable, panel: Optional[Mapping[str, Sequence[str]]] = None) -> Dict[str, List[str]]:
    """{package: display names of the tools that need it}, plus the panel features in ``panel``."""
    out: Dict[str, List[str]] = {d.module: [] for d in dependencies.DEPENDENCIES}
    for algorithm in algorithms:
        for module in sorted(algorithm_requirements(algorithm)):
            out.setdefault(module, []).append(algorithm.displayName())
    for module, features in (panel or {}).items():
        out.setdefault(module, []).extend(features)
    return out


def affected_tools(missing: Iterable[str], tools: Mapping[str, Sequence[str]]) -> List[str]:
    """The tools (in order, once each) that need any of ``missing``."""
    out: List[str] = []
    for module in missing:
        for tool in tools.get(module, ()):
            if tool not in out:
                out.append(tool)
    return out


# ----------------------------------------------------------------------------- message bar
def push_missing_message(iface, reasons: Mapping[str, str], tools: Mapping[str, Sequence[str]]):
    """One warning in QGIS's message bar naming the missing packages and the tools they stop, with a
    button opening :class:`DependencyDialog`; returns the bar item (None without a message bar)."""
    bar = iface.messageBar() if iface is not None else None
    if bar is None:
        return None
    text = dependency_text.missing_message(list(reasons), affected_tools(reasons, tools))
    item = bar.createMessage(tr("PALSAR-2 ScanSAR"), text)
    button = QPushButton(tr("Install…"), item)
    button.setObjectName("palsar2InstallPackagesButton")
    button.clicked.connect(lambda _checked=False: open_dialog(iface, tools))
    item.layout().addWidget(button)
    bar.pushWidget(item, Qgis.Warning)
    return item


class MissingPackagesAction:
    """A panel action that cannot run because packages are missing: it shows the message instead."""

    def __init__(self, iface, reasons: Mapping[str, str], tools: Mapping[str, Sequence[str]]):
        self.iface, self.reasons, self.tools = iface, dict(reasons), tools

    def __call__(self, *_args):
        push_missing_message(self.iface, self.reasons, self.tools)


def stop_if_missing(iface, algorithm_id: str) -> Dict[str, str]:
    """Before a panel action starts ``algorithm_id``: the packages it needs that do not import
    ({module: reason}, empty when it can run); when some are missing, the load-time message bar is
    shown (with its Install button) instead of the run failing later with a traceback."""
    registry = QgsApplication.processingRegistry()
    algorithm = registry.algorithmById(algorithm_id)
    reasons = dependencies.missing(sorted(algorithm_requirements(algorithm))) if algorithm is not None else {}
    if reasons:
        provider = registry.providerById("palsar2")
        push_missing_message(iface, reasons, tools_by_module(provider.algorithms() if provider else []))
    return reasons


_open_dialogs: List["DependencyDialog"] = []


def open_dialog(iface, tools: Mapping[str, Sequence[str]]) -> "DependencyDialog":
    """Show the dialog (non-modal; kept alive until closed)."""
    parent = iface.mainWindow() if iface is not None else None
    dialog = DependencyDialog(tools, iface=iface, parent=parent)
    _open_dialogs.append(dialog)
    dialog.finished.connect(lambda _result, d=dialog: _open_dialogs.remove(d) if d in _open_dialogs else None)
    dialog.show()
    dialog.raise_()
    return dialog


def restart_qgis(iface) -> None:
    """Quit QGIS through its own Exit (which asks about unsaved work) and start it again once it has
    quit; if the user keeps QGIS open, nothing restarts later."""
    app = QgsApplication.instance()
    program, arguments = QgsApplication.applicationFilePath(), QgsApplication.arguments()[1:]

    def start_again():
        QProcess.startDetached(program, arguments)

    app.aboutToQuit.connect(start_again)
    iface.actionExit().trigger()

    def forget():
        try:
            app.aboutToQuit.disconnect(start_again)
        except TypeError:
            pass

    QTimer.singleShot(1000, forget)        # the exit was refused: QGIS goes on


# ----------------------------------------------------------------------------- the dialog
class DependencyDialog(QDialog):
    """Status of every package, the commands for each platform and an Install button (pip, in a task)."""

    def __init__(self, tools: Mapping[str, Sequence[str]], iface=None, parent=None,
                 info: Optional[dependencies.PythonInfo] = None,
                 reasons: Optional[Mapping[str, Optional[str]]] = None,
                 on_installed: Optional[Callable[[PipInstallTask], None]] = None):
        """``reasons``: {package: import error or None}, checked here when not given; ``info``: the
        interpreter to install for (this QGIS's by default)."""
        super().__init__(parent)
        self.setObjectName("palsar2DependencyDialog")
        self.setWindowTitle(tr("PALSAR-2 ScanSAR: Python packages"))
        self.iface = iface
        self.tools = tools
        self.info = info or dependencies.python_info()
        self.on_installed = on_installed
        self.task: Optional[PipInstallTask] = None
        self.reasons = dict(reasons) if reasons is not None else {
            d.module: dependencies.import_error(d.module) for d in dependencies.DEPENDENCIES}
        self.installed_now: Set[str] = set()
        self._build()
        self._fill_table()
        self._update()
        self.resize(820, 620)

    # -- layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        python = self.info.executable or tr("not found")
        intro = QLabel(tr("The plugin needs numpy, rasterio, pyproj and requests; numba, paramiko, Dask and snaphu "
                          "add speed, SFTP downloads, clusters and phase unwrapping. QGIS's Python: {}").format(python),
                       self)
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(intro)

        self.table = QTableWidget(len(dependencies.DEPENDENCIES), 3, self)
        self.table.setObjectName("packagesTable")
        self.table.setHorizontalHeaderLabels([tr("Package"), tr("Status"), tr("Needed for")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.setWordWrap(True)
        self.table.itemChanged.connect(lambda _item: self._update())
        layout.addWidget(self.table, 2)

        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Instructions for:"), self))
        self.platform = QComboBox(self)
        self.platform.setObjectName("platformCombo")
        names = {"windows": tr("Windows (OSGeo4W Shell)"), "macos": tr("macOS (the QGIS application's Python)"),
                 "debian": tr("Debian / Ubuntu"), "fedora": tr("Fedora"), "conda": tr("conda (conda-forge)"),
                 "pip": tr("pip for this QGIS's Python")}
        for key in dependencies.PLATFORMS + ("pip",):
            self.platform.addItem(names[key], key)
        here = self.info.platform if self.info.platform in dependencies.PLATFORMS else "pip"
        if self.info.in_environment and self.info.platform != "conda":
            here = "pip"
        self.platform.setCurrentIndex(self.platform.findData(here))
        self.platform.currentIndexChanged.connect(lambda _i: self._update())
        row.addWidget(self.platform, 1)
        layout.addLayout(row)

        self.where = QLabel(self)
        self.where.setObjectName("whereLabel")
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.commands = QPlainTextEdit(self)
        self.commands.setObjectName("commandsText")
        self.commands.setReadOnly(True)
        self.commands.setMaximumHeight(90)
        layout.addWidget(self.commands)
        copy = QPushButton(tr("Copy commands"), self)
        copy.clicked.connect(lambda _checked=False: QGuiApplication.clipboard().setText(self.commands.toPlainText()))
        layout.addWidget(copy, 0, Qt.AlignLeft)

        self.note = QLabel(self)
        self.note.setObjectName("installNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("installLog")
        self.log.setReadOnly(True)
        self.log.setVisible(False)
        layout.addWidget(self.log, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.install_button = buttons.addButton(tr("Install"), QDialogButtonBox.ActionRole)
        self.install_button.setObjectName("installButton")
        self.install_button.clicked.connect(lambda _checked=False: self.install())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fill_table(self) -> None:
        to_fix = dependencies.root_causes(self.reasons)      # rasterio failing for want of numpy: numpy
        self.table.blockSignals(True)
        for row, dependency in enumerate(dependencies.DEPENDENCIES):
            module = dependency.module
            name = QTableWidgetItem(module + ("" if dependency.required else " " + tr("(optional)")))
            name.setData(Qt.UserRole, module)
            reason = self.reasons[module]
            if module in self.installed_now:
                status = tr("installed: restart QGIS to use it")
            elif reason is None:
                status = tr("installed")
            elif f"No module named '{module}'" in reason:
                status = tr("missing")
            else:
                status = tr("cannot be imported: {}").format(reason)
            if reason is not None and module not in self.installed_now:
                name.setFlags(name.flags() | Qt.ItemIsUserCheckable)
                name.setCheckState(Qt.Checked if dependency.required and module in to_fix else Qt.Unchecked)
            else:
                name.setFlags(name.flags() & ~Qt.ItemIsUserCheckable)
            uses = self.tools.get(module, ())
            needed = (", ".join(uses) if dependency.required
                      else dependency_text.optional_purpose(module) + (f" ({', '.join(uses)})" if uses else ""))
            for column, item in enumerate((name, QTableWidgetItem(status), QTableWidgetItem(needed))):
                if column:
                    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                item.setToolTip(item.text())
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)

    # -- state
    def selected_modules(self) -> List[str]:
        """The packages ticked for installation (missing ones only)."""
        out = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item.flags() & Qt.ItemIsUserCheckable and item.checkState() == Qt.Checked:
                out.append(item.data(Qt.UserRole))
        return out

    def missing_modules(self) -> List[str]:
        return [m for m, r in self.reasons.items() if r is not None and m not in self.installed_now]

    def install_blocker(self) -> str:
        """Why Install cannot run here ("" when it can)."""
        if self.task is not None:
            return tr("Installing…")
        if not self.info.executable:
            return tr("QGIS's Python interpreter was not found next to QGIS: run the commands above instead.")
        if self.info.platform == "conda":
            return tr("QGIS runs in a conda environment: install the packages with conda (the command above).")
        if self.info.externally_managed:
            return tr("This Python belongs to your Linux distribution, which does not let pip change it: install "
                      "the packages with its package manager (the command above).")
        if not self.selected_modules():
            return tr("Nothing to install: tick the packages to install.") if self.missing_modules() else tr(
                "Every package is installed.")
        return ""

    def _update(self) -> None:
        modules = self.selected_modules() or self.missing_modules() or [d.module for d in
                                                                       dependencies.DEPENDENCIES]
        key = self.platform.currentData()
        where = {
            "windows": tr("Start menu › QGIS › OSGeo4W Shell (right-click › Run as administrator if QGIS was "
                          "installed for all users), then:"),
            "macos": tr("In Terminal, with the Python inside the QGIS application (the first line only if pip "
                        "is missing):"),
            "debian": tr("In a terminal (QGIS from Debian's or Ubuntu's packages, or from qgis.org's "
                         "repository):"),
            "fedora": tr("In a terminal:"),
            "conda": tr("In a terminal, in the conda environment QGIS runs in (conda activate …):"),
            "pip": tr("In a terminal, with QGIS's own Python:"),
        }[key]
        self.where.setText(where + " " + tr("Then restart QGIS."))
        self.commands.setPlainText("\n".join(dependencies.install_commands(modules, self.info)[key]))
        blocker = self.install_blocker()
        self.install_button.setEnabled(not blocker)
        self.install_button.setToolTip(blocker or tr("Run pip for QGIS's Python in the background (task manager)."))
        self.note.setText(blocker)

    # -- installing
    def install(self) -> Optional[PipInstallTask]:
        """Start the background pip task for the ticked packages (progress here and in the task manager)."""
        if self.install_blocker():
            return None
        self.task = PipInstallTask(self.selected_modules(), self.info, on_done=self._done)
        self.task.line.connect(self.log.appendPlainText)
        self.task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.log.setVisible(True)
        self._update()
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _done(self, task: PipInstallTask) -> None:
        self.task = None
        if task.ok:
            self.installed_now.update(task.modules)
            self._fill_table()
            self._update()
            self.note.setText(tr("Installed: {}. Restart QGIS to use them.").format(", ".join(task.modules)))
            self.ask_restart()
        else:
            self._update()
            self.note.setText(task.error or tr("The installation failed."))
            self.log.appendPlainText(task.error or "")
        if self.on_installed is not None:
            self.on_installed(task)

    def ask_restart(self) -> QMessageBox:
        """Ask (without blocking) whether to restart QGIS now."""
        box = QMessageBox(QMessageBox.Question, tr("Restart QGIS"),
                          tr("The packages are installed. QGIS must restart to use them. Restart now?"),
                          QMessageBox.Yes | QMessageBox.No, self)
        box.setObjectName("restartQuestion")
        box.setDefaultButton(QMessageBox.No)
        box.finished.connect(lambda answer: restart_qgis(self.iface)
                             if answer == QMessageBox.Yes and self.iface is not None else None)
        box.open()
        return box
