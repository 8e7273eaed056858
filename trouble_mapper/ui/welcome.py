"""The start page shown when no workshop is open: reopen the last one, new, open, example."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    example_requested = Signal()
    path_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Trouble Mapper")
        title.setFont(QFont("Sans Serif", 28, QFont.Weight.Bold))
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.reopen_button = QPushButton()
        self.reopen_button.setDefault(True)
        self.reopen_button.clicked.connect(self._reopen)
        layout.addWidget(self.reopen_button)
        for text, signal in (("New workshop", self.new_requested), ("Open a workshop…", self.open_requested),
                             ("Open the example workshop", self.example_requested)):
            button = QPushButton(text)
            button.clicked.connect(signal.emit)
            layout.addWidget(button)
        layout.addWidget(QLabel("Recent workshops"))
        self.recent_list = QListWidget()
        self.recent_list.setMaximumWidth(640)
        self.recent_list.itemActivated.connect(lambda item: self.path_requested.emit(Path(item.toolTip())))
        layout.addWidget(self.recent_list)
        self._last: Path | None = None

    def show_choices(self, last_open: Path | None, recent: list[Path]) -> None:
        """Offer to reopen what was open last time, if it still exists, and list recent files."""
        self._last = last_open if last_open and last_open.exists() else None
        self.reopen_button.setVisible(self._last is not None)
        if self._last:
            self.reopen_button.setText(f"Reopen “{self._last.stem}”, open when you last quit")
        self.recent_list.clear()
        for path in recent:
            item = QListWidgetItem(path.stem)
            item.setToolTip(str(path))
            self.recent_list.addItem(item)

    def _reopen(self) -> None:
        if self._last:
            self.path_requested.emit(self._last)
