"""The "PALSAR-2" page of QGIS's Options dialog (Settings › Options): every setting of the plugin with
its help beside it.

The page is built from :func:`.settings.setting_specs`, so a new setting needs one entry there.
An empty field means "the default" (shown greyed as the placeholder) and removes the stored value;
a value that cannot work (an address without https://, a broken path rule) is shown in red under
its field and is not saved. Passwords and SSH keys are never here: they live in QGIS's
authentication manager. :class:`Palsar2OptionsFactory` is registered by the plugin
(``iface.registerOptionsWidgetFactory``); ``iface.showOptionsDialog(parent, PAGE_NAME)`` opens it.
"""

from __future__ import annotations

from typing import Dict, List, Optional

from qgis.gui import QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QColor, QIcon, QPalette
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from . import settings
from .i18n import PLUGIN_ROOT

#: objectName of the page: ``iface.showOptionsDialog(parent, PAGE_NAME)`` opens the dialog on it.
PAGE_NAME = "Palsar2OptionsPage"
ICON_PATH = PLUGIN_ROOT / "palsar2_plugin" / "icons" / "palsar2.svg"


def tr(text: str) -> str:
    return QCoreApplication.translate("Palsar2OptionsPage", text)


class SettingField:
    """The editor of one setting: a widget, its help label and its error label."""

    def __init__(self, spec: settings.SettingSpec, parent: QWidget):
        self.spec = spec
        self.editor = self._make_editor(parent)
        self.editor.setObjectName(f"setting_{spec.key.replace('/', '_')}")
        self.editor.setToolTip(spec.help)
        self.help_label = QLabel(spec.help, parent)
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.PlainText)
        font = self.help_label.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        self.help_label.setFont(font)
        palette = self.help_label.palette()       # muted, whatever the theme: text blended towards the background
        text, background = palette.color(QPalette.WindowText), palette.color(QPalette.Window)
        palette.setColor(QPalette.WindowText, QColor(*(int(0.62 * a + 0.38 * b) for a, b in zip(
            text.getRgb()[:3], background.getRgb()[:3]))))
        self.help_label.setPalette(palette)
        self.error_label = QLabel(parent)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        self.load()
        self._connect()

    # -- editors --------------------------------------------------------------------------
    def _make_editor(self, parent: QWidget) -> QWidget:
        spec = self.spec
        if spec.kind in ("folder", "file"):
            editor = QgsFileWidget(parent)
            editor.setStorageMode(QgsFileWidget.GetDirectory if spec.kind == "folder" else QgsFileWidget.GetFile)
            editor.lineEdit().setPlaceholderText(str(spec.default))
            editor.lineEdit().setShowClearButton(True)
            return editor
        if spec.kind == "int":
            editor = QSpinBox(parent)
            editor.setRange(spec.minimum, spec.maximum)
            return editor
        if spec.kind == "choice":
            editor = QComboBox(parent)
            for value, label in spec.choices:
                editor.addItem(label, value)
            return editor
        editor = QLineEdit(parent)
        editor.setPlaceholderText(str(spec.default))
        editor.setClearButtonEnabled(True)
        return editor

    def _connect(self) -> None:
        if isinstance(self.editor, QgsFileWidget):
            self.editor.fileChanged.connect(lambda *_: self.validate())
        elif isinstance(self.editor, QLineEdit):
            self.editor.textChanged.connect(lambda *_: self.validate())

    def text(self) -> str:
        if isinstance(self.editor, QgsFileWidget):
            return self.editor.filePath().strip()
        if isinstance(self.editor, QLineEdit):
            return self.editor.text().strip()
        return ""

    def value(self):
        """The value to store ("" = unset: the default applies)."""
        if isinstance(self.editor, QSpinBox):
            return "" if self.editor.value() == int(self.spec.default) else self.editor.value()
        if isinstance(self.editor, QComboBox):
            value = self.editor.currentData()
            return "" if value == self.spec.default else value
        return self.text()

    def load(self) -> None:
        stored = settings.setting(self.spec.key, "")
        if isinstance(self.editor, QSpinBox):
            try:
                self.editor.setValue(int(stored) if stored != "" else int(self.spec.default))
            except (TypeError, ValueError):
                self.editor.setValue(int(self.spec.default))
        elif isinstance(self.editor, QComboBox):
            index = self.editor.findData(stored or self.spec.default)
            self.editor.setCurrentIndex(max(index, 0))
        elif isinstance(self.editor, QgsFileWidget):
            self.editor.setFilePath(str(stored))
        else:
            self.editor.setText(str(stored))
        self.validate()

    def reset(self) -> None:
        """Show the default (saved by apply)."""
        if isinstance(self.editor, QSpinBox):
            self.editor.setValue(int(self.spec.default))
        elif isinstance(self.editor, QComboBox):
            self.editor.setCurrentIndex(max(self.editor.findData(self.spec.default), 0))
        elif isinstance(self.editor, QgsFileWidget):
            self.editor.setFilePath("")
        else:
            self.editor.setText("")

    def error(self) -> str:
        return settings.validation_error(self.spec, self.value())

    def validate(self) -> bool:
        message = self.error()
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        return not message

    def save(self) -> bool:
        """Store the value if it is valid; False (and nothing stored) if not."""
        if not self.validate():
            return False
        settings.set_setting(self.spec.key, self.value())
        return True


class Palsar2OptionsPage(QgsOptionsPageWidget):
    """The page: one group per section, each setting with its help and, when wrong, why."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName(PAGE_NAME)
        self.fields: Dict[str, SettingField] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        body = QWidget(scroll)
        layout = QVBoxLayout(body)
        intro = QLabel(tr("Settings of the PALSAR-2 ScanSAR plugin. Leave a field empty to use the default shown in "
                          "grey. Passwords and SSH keys are not kept here: add them in Authentication (this "
                          "dialog) and choose them in the download tool."), body)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        specs = settings.setting_specs()
        labels = []
        for section, title in settings.sections():
            box = QGroupBox(title, body)
            box.setObjectName(f"section_{section}")
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
            for spec in (s for s in specs if s.section == section):
                field = SettingField(spec, box)
                self.fields[spec.key] = field
                column = QVBoxLayout()
                column.setSpacing(1)
                column.addWidget(field.editor)
                column.addWidget(field.help_label)
                column.addWidget(field.error_label)
                label = QLabel(spec.label, box)
                label.setBuddy(field.editor)
                labels.append(label)
                form.addRow(label, column)
            layout.addWidget(box)
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:          # the fields of every group line up
            label.setMinimumWidth(width)
        self.reset_button = QPushButton(tr("Restore defaults"), body)
        self.reset_button.setToolTip(tr("Show every default value; they are saved with OK"))
        self.reset_button.clicked.connect(self.reset)
        layout.addWidget(self.reset_button, 0, Qt.AlignLeft)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll)

    def helpKey(self) -> str:  # noqa: N802 (QGIS API)
        return ""

    def invalid_fields(self) -> List[str]:
        """Keys of the settings whose values cannot be saved as they are."""
        return [key for key, field in self.fields.items() if field.error()]

    def reset(self) -> None:
        for field in self.fields.values():
            field.reset()

    def apply(self) -> None:
        """Save every valid value (QGIS calls this when the dialog is accepted)."""
        for field in self.fields.values():
            field.save()


class Palsar2OptionsFactory(QgsOptionsWidgetFactory):
    """Adds the "PALSAR-2" page to Settings › Options."""

    def __init__(self):
        super().__init__(tr("PALSAR-2"), QIcon(str(ICON_PATH)))

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def createWidget(self, parent: Optional[QWidget] = None) -> Palsar2OptionsPage:  # noqa: N802 (QGIS API)
        return Palsar2OptionsPage(parent)


def show_options(iface) -> None:
    """Open Settings › Options on the PALSAR-2 page."""
    iface.showOptionsDialog(iface.mainWindow(), PAGE_NAME)
