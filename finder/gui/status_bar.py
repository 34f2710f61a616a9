"""The status bar: what is being indexed, pause / resume, failed files, polling warnings."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QStatusBar, QWidget

from finder.domain import Progress, Status
from finder.gui.plain_text import plain_label, tooltip
from finder.progress import duration
from finder.watch.watcher import RootWatch

_PHASES = {
    "scanning": "Scanning folders…",
    "extracting": "Reading files",
    "embedding": "Understanding text",
    "saving": "Saving the index…",
}


def progress_text(p: Progress) -> str:
    """'Reading files 120 / 5,000 · 31 files/s · 2m37s left' — or the phase alone."""
    label = _PHASES.get(p.phase, p.phase)
    if p.new_model:
        label = f"New model: {label[0].lower()}{label[1:]}"
    if p.phase in ("scanning", "saving", "done") or p.total <= 0:
        return label if p.phase != "done" else "Index up to date"
    unit = "chunks" if p.phase == "embedding" else "files"
    text = f"{label} {p.done:,} / {p.total:,}"
    if p.rate > 0:
        text += f" · {p.rate:.0f} {unit}/s"
    eta = p.eta_s
    return text + (f" · {duration(eta)} left" if eta is not None else "")


def plural(count: int, noun: str) -> str:
    """'1 file', '2 files', '1,200 files'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def idle_text(status: Status) -> str:
    """How the files can be found: '130 files by content, 19 by name only' (the failed
    ones are the button beside it), and whether a model change is on its way."""
    files = f"{plural(status.files_indexed, 'file')} by content"
    if status.files_name_only:
        files += f", {status.files_name_only:,} by name only"
    if status.model_pending:
        return f"{files} · a new index for the new model is on its way; searches use this one"
    return files


class IndexStatusBar(QStatusBar):
    """Shows the service's state; its buttons ask, the window decides. GUI thread only."""

    pause_toggled = Signal(bool)  # True: pause
    failures_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activity = plain_label("Starting…")  # also shows messages naming files
        self.warning = plain_label()
        self.warning.setStyleSheet("color: #b35c00;")
        self.warning.hide()
        self.failures = QPushButton()
        self.failures.setFlat(True)
        self.failures.hide()
        self.failures.setToolTip("The files that could not be read, and why")
        self.failures.clicked.connect(self.failures_clicked)
        self.pause = QPushButton("Pause indexing")
        self.pause.setCheckable(True)
        self.pause.toggled.connect(self._on_pause)
        self.addWidget(self.activity)
        self.addWidget(self.failures)  # beside the counts: "7 files by content  1 failed"
        self.addPermanentWidget(self.warning)
        self.addPermanentWidget(self.pause)
        self.pause.hide()  # until there is something to index

    def show_progress(self, progress: Progress) -> None:
        self.pause.show()
        if not self.pause.isChecked():
            self.activity.setText(progress_text(progress))

    def show_idle(self, status: Status) -> None:
        if not self.pause.isChecked():
            self.activity.setText(idle_text(status))
        failed = status.files_failed
        self.failures.setVisible(failed > 0)
        self.failures.setText(f"{failed:,} failed")

    def show_watch(self, roots: list[RootWatch]) -> None:
        polled = [r for r in roots if r.polling]
        self.warning.setVisible(bool(polled))
        if polled:
            self.warning.setText(f"{len(polled)} folder(s) checked every few minutes")
            self.warning.setToolTip(tooltip("\n".join(f"{r.root}: {r.reason}" for r in polled)))

    def show_message(self, text: str) -> None:
        self.activity.setText(text)

    def _on_pause(self, paused: bool) -> None:
        self.pause.setText("Resume indexing" if paused else "Pause indexing")
        self.activity.setText("Indexing paused" if paused else "Resuming…")
        self.pause_toggled.emit(paused)
