"""What panels and dialogs share when they edit through the service: one call per edit, and a message
line that says why an edit was refused or not saved (never an exception escaping to Qt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from trouble_mapper.domain.rules import RuleError

NOT_SAVED = "That change was not saved: the workshop file could not be written."


def message_label(owner: QWidget, object_name: str) -> QLabel:
    """The hidden red message line of ``owner`` (shown by ``EditFeedback._show_message``)."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what people typed: never markup
    label.setStyleSheet(f"color: #7A1010; background: #FDE2E2; padding: 6px; "
                        f"font-size: {owner.font().pointSizeF():g}pt;")
    label.hide()
    return label


class EditFeedback:
    """Mixed into a QWidget with a ``message`` QLabel."""

    message: QLabel

    def _edit(self, edit: Callable[[], Any]) -> Any:
        """Run one service edit; show why when it is refused or not saved. Its result, or None if refused."""
        try:
            result = edit()
        except RuleError as error:  # EditRefused is a RuleError too
            self._refused(str(error))
            return None
        self._show_message("" if result is not False else NOT_SAVED)
        return result

    def _refused(self, text: str) -> None:
        self._show_message(text)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _ask(self, title: str, text: str) -> bool:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, title, text, buttons.Yes | buttons.Cancel,  # type: ignore[arg-type]
                                      buttons.Cancel)
        return answer == buttons.Yes
