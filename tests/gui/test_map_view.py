"""The map view against a real index: real model vectors laid out, pytest-qt, offscreen.

The map drawn here is made from the real index of a few files: each file's mean chunk
vector (as the catalog stores them), projected to 2-D by a numpy PCA, its topic the
file's folder. It pins down what the view does with a map, whoever computed it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from finder.app import App
from finder.engine import IndexReader
from finder.explore.file_map import FileMap, Topic
from finder.gui.map_paint import dimmed, topic_colour
from finder.gui.map_view import MapView
from finder.path_rules import user_path
from tests.conftest import write
from tests.gui.conftest import RecordingDesktop, add_folders_and_wait

CORPUS = {
    "pets/kitten.md": "Feed your kitten twice daily and book vaccinations at the vet.",
    "pets/puppy.md": "Walk your puppy twice a day and take it to the vet for its shots.",
    "pets/hamster.md": "A hamster needs a large cage, fresh bedding and a running wheel.",
    "kitchen/bread.md": "Knead the dough ten minutes, let it rise overnight, then bake.",
    "kitchen/soup.md": "Simmer the onions and carrots in stock, then blend the soup smooth.",
    "taxes/deadline.txt": "Income tax declarations must reach the revenue office by April 30.",
    "taxes/receipt.txt": "Keep every receipt for deductible expenses for seven years.",
}
FOLDERS = ("pets", "kitchen", "taxes")  # the PCA map's topics


def real_map(data_dir: Path, cache_dir: Path) -> FileMap:
    """The indexed files' mean chunk vectors, PCA to 2-D in [0.05, 0.95]; topic: folder."""
    with IndexReader.open(data_dir, cache_dir=cache_dir) as reader:
        catalog = reader.catalog
        dimension = catalog.stored_dimension()
        assert dimension is not None
        paths, vectors = [], []
        for path in sorted(catalog.file_states()):
            file_id = catalog.file_id(path)
            assert file_id is not None
            _ids, matrix = catalog.vectors_by_ids(catalog.file_vector_ids(file_id), dimension)
            paths.append(user_path(path))
            vectors.append(matrix.mean(axis=0))
    centred = np.asarray(vectors) - np.mean(vectors, axis=0)
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    xy = 0.05 + 0.9 * (xy - xy.min(axis=0)) / np.ptp(xy, axis=0)
    topic = np.array([FOLDERS.index(Path(p).parent.name) for p in paths], dtype=np.int32)
    topics = tuple(
        Topic(i, (name, "files"), int(np.sum(topic == i))) for i, name in enumerate(FOLDERS)
    )
    return FileMap(tuple(paths), xy.astype(np.float32), topic, topics)


@pytest.fixture
def indexed(
    qtbot, make_app: Callable[..., App], tmp_path: Path, cache_dir: Path
) -> tuple[App, FileMap]:
    """The app over a real index of CORPUS, and a map made from that index's vectors."""
    root = tmp_path / "files"
    for rel, text in CORPUS.items():
        write(root / rel, text)
    app = make_app()
    add_folders_and_wait(qtbot, app, [root], len(CORPUS))
    return app, real_map(tmp_path / "data", cache_dir)


def colour_at(image: QImage, point: QPointF) -> QColor:
    return image.pixelColor(point.toPoint())


def lone_rows(view: MapView, apart: float = 12.0) -> list[int]:
    """Files whose point no other point overlaps on screen (their colour is their own)."""
    assert view.file_map is not None
    spots = [view.point_at(i) for i in range(len(view.file_map))]
    return [
        i
        for i, p in enumerate(spots)
        if all((p - q).manhattanLength() > apart for j, q in enumerate(spots) if j != i)
    ]


def map_view(qtbot, file_map: FileMap) -> MapView:
    """A 600x400 map view of ``file_map``, not yet shown."""
    view = MapView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.set_map(file_map)
    return view


def shown(qtbot, app: App) -> tuple[MapView, FileMap]:
    """Switch the window to the map and wait for the map the service saved for the
    indexed files (read on the search worker)."""
    mode = app.window.map_mode
    mode.show_map(True)
    mode.view.labels = False  # the points alone: a topic's label may be drawn over one
    app.window.resize(1100, 700)
    app.window.show()
    qtbot.waitExposed(app.window)
    view = mode.view
    qtbot.waitUntil(lambda: len(view.file_map or ()) == len(CORPUS), timeout=60_000)
    assert view.file_map is not None
    return view, view.file_map


def test_points_are_drawn_where_the_map_puts_them_in_their_topic_colour(qtbot, indexed) -> None:
    """Each file's pixel (from its map xy) has its topic's colour; empty space is background."""
    _app, file_map = indexed
    view = map_view(qtbot, file_map)
    view.labels = False  # the points alone: a topic's label may be drawn over one
    image = view.grab().toImage()
    rows = lone_rows(view)
    assert len(rows) >= 3
    for row in rows:
        expected = topic_colour(int(file_map.topic[row]))
        assert colour_at(image, view.point_at(row)) == expected, file_map.paths[row]
    background = view.palette().color(QPalette.ColorRole.Base)
    assert image.pixelColor(2, 2) == background
    x, y = file_map.xy[rows[0]]
    expected_spot = QPointF(14 + float(x) * (600 - 28), 14 + float(y) * (400 - 28))
    assert (view.point_at(rows[0]) - expected_spot).manhattanLength() < 0.01


def test_zoom_keeps_the_point_under_the_mouse_and_hover_finds_the_file(qtbot, indexed) -> None:
    """Hovering a point finds its file (tooltip: name and folder), also after zooming."""
    _app, file_map = indexed
    view = map_view(qtbot, file_map)
    view.show()
    qtbot.waitExposed(view)
    for row in range(len(file_map)):
        assert view.file_at(view.point_at(row)) in [*lone_rows(view), row]
    row = lone_rows(view)[0]
    before = view.point_at(row)
    view.zoom_by(3.0, before)
    assert (view.point_at(row) - before).manhattanLength() < 0.5
    qtbot.mouseMove(view, view.point_at(row).toPoint())
    qtbot.waitUntil(lambda: view.hovered == row)
    name = Path(file_map.paths[row]).name
    assert view.describe(row).splitlines()[0] == name
    assert Path(file_map.paths[row]).parent.name in view.describe(row)
    spot = view.point_at(row).toPoint()
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, spot, view.mapToGlobal(spot)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert name in QToolTip.text()
    assert view.file_at(QPointF(1, 1)) is None


def test_a_query_lights_up_its_files_and_dims_the_rest(qtbot, indexed) -> None:
    """Typed words: the results' files are drawn in their colour, every other one dimmed."""
    app, _pca_map = indexed
    view, file_map = shown(qtbot, app)
    with qtbot.waitSignal(
        app.controller.results_changed, timeout=60_000, check_params_cb=lambda _h, m, _a: m
    ):
        qtbot.keyClicks(app.window.search, "knead dough overnight")
    hits = {app.window.model.hit(r).path for r in range(app.window.model.rowCount())}  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not view.bright.all())
    assert {file_map.paths[i] for i in np.flatnonzero(view.bright)} == hits
    assert any(p.endswith("bread.md") for p in hits)
    image = view.grab().toImage()
    background = view.palette().color(QPalette.ColorRole.Base)
    for row in lone_rows(view):
        colour = topic_colour(int(file_map.topic[row]))
        expected = colour if view.bright[row] else dimmed(colour, background)
        assert colour_at(image, view.point_at(row)) == expected, file_map.paths[row]
    assert app.window.model.rowCount() > 0  # the list stays


def test_the_map_shown_after_a_query_lights_its_answer(qtbot, indexed) -> None:
    """A query answered in the list, then the map shown: the answer's files are lit."""
    app, _pca_map = indexed
    with qtbot.waitSignal(
        app.controller.results_changed, timeout=60_000, check_params_cb=lambda _h, m, _a: m
    ):
        qtbot.keyClicks(app.window.search, "knead dough overnight")
    model = app.window.model
    hits = {model.hit(r).path for r in range(model.rowCount())}  # type: ignore[union-attr]
    view, file_map = shown(qtbot, app)
    assert {file_map.paths[i] for i in np.flatnonzero(view.bright)} == hits
    assert 0 < len(hits) < len(file_map)


def test_a_legend_topic_filters_the_map_and_the_list(qtbot, indexed) -> None:
    """Clicking a topic in the legend puts topic:N in the search field: the map dims the
    other topics, the list shows that topic's files; clicking it again undoes both."""
    app, _pca_map = indexed
    view, file_map = shown(qtbot, app)
    legend = app.window.map_mode.panel.legend
    bread = next(i for i, p in enumerate(file_map.paths) if p.endswith("bread.md"))
    topic = int(file_map.topic[bread])
    row = legend.row_of(topic)
    assert row is not None
    words = next(t.words for t in file_map.topics if t.id == topic)
    assert words[0] in legend.item(row).text()
    rect = legend.visualItemRect(legend.item(row))
    members = {p for p, t in zip(file_map.paths, file_map.topic, strict=True) if t == topic}
    with qtbot.waitSignal(app.controller.results_changed, timeout=60_000):
        qtbot.mouseClick(legend.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert list(view.bright) == list(file_map.topic == topic)
    assert app.window.map_mode.topic_filter and app.window.search.text() == f"topic:{topic}"
    model = app.window.model
    qtbot.waitUntil(lambda: {model.hit(r).path for r in range(model.rowCount())} == members)  # type: ignore[union-attr]
    qtbot.mouseClick(legend.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert app.window.search.text() == ""
    assert view.bright.all()


def test_clicking_a_point_previews_the_file_and_its_menu_opens_it(qtbot, indexed) -> None:
    """A click shows the file's passage in the preview; the menu's Open opens that file."""
    app, _pca_map = indexed
    view, file_map = shown(qtbot, app)
    row = next(i for i, p in enumerate(file_map.paths) if p.endswith("hamster.md"))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.point_at(row).toPoint())
    assert view.selected == row
    qtbot.waitUntil(lambda: "running wheel" in app.window.preview.toPlainText(), timeout=10_000)
    menu = app.window.map_mode.menu_for(file_map.paths[row])
    labels = [a.text() for a in menu.actions()]
    assert {"Open", "Show in folder", "Find similar files"} <= set(labels)
    menu.actions()[labels.index("Open")].trigger()
    menu.actions()[labels.index("Show in folder")].trigger()
    desktop = app.window.desktop
    assert isinstance(desktop, RecordingDesktop)
    assert desktop.opened == [file_map.paths[row]] and desktop.revealed == [file_map.paths[row]]
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter opens the chosen file, as in the list
    assert desktop.opened == [file_map.paths[row]] * 2


def test_keys_and_a_drag_move_the_view_without_choosing(qtbot, indexed) -> None:
    """+ and - zoom about the middle, arrows and a drag pan, 0 shows all; a drag chooses
    no file."""
    _app, file_map = indexed
    view = map_view(qtbot, file_map)
    view.show()
    qtbot.waitExposed(view)
    middle = QPointF(300, 200)
    row = lone_rows(view)[0]
    start = view.point_at(row)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    zoomed = view.point_at(row)
    assert abs((zoomed - middle).x()) == pytest.approx(abs((start - middle).x()) * 1.25)
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.point_at(row) == start
    qtbot.keyClick(view, Qt.Key.Key_Right)  # the view moves right: the map, left
    assert view.point_at(row).x() == pytest.approx(start.x() - 40)
    qtbot.keyClick(view, Qt.Key.Key_0)
    chosen: list[str] = []
    view.file_chosen.connect(chosen.append)
    grab = view.point_at(row).toPoint()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=grab)
    qtbot.mouseMove(view, grab + QPoint(30, 0))
    qtbot.mouseMove(view, grab + QPoint(60, 20))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=grab + QPoint(60, 20))
    moved = view.point_at(row) - start
    assert moved.x() == pytest.approx(60) and moved.y() == pytest.approx(20)
    assert chosen == []


def test_the_window_shows_the_map_the_service_made(qtbot, indexed) -> None:
    """The Map button shows the map the service saved beside the index, read off the GUI thread."""
    app, file_map = indexed
    mode = app.window.map_mode
    app.window.show()
    qtbot.waitExposed(app.window)
    assert mode.button.shortcut().toString() == "Ctrl+M"
    mode.button.click()
    assert mode.showing
    # The page follows the status that reports the folders, which may still be on its way.
    qtbot.waitUntil(lambda: app.window.pages.currentWidget() is app.window.splitter)
    wanted = set(file_map.paths)  # a map of the first files may come first: then the full one
    qtbot.waitUntil(lambda: set(getattr(mode.view.file_map, "paths", ())) == wanted, timeout=60_000)
    shown_map = mode.view.file_map
    assert shown_map is not None
    assert mode.panel.legend.count() == len(shown_map.topics) + 1  # and "All topics"
    assert mode.view.bright.all()  # no query: every file lit


def test_filters_alone_light_every_file_they_let_through(qtbot, indexed) -> None:
    """A folder filter with no words lights exactly that folder's files, read on the worker."""
    app, _pca_map = indexed
    view, file_map = shown(qtbot, app)
    taxes = str(Path(file_map.paths[0]).parent.parent / "taxes")
    box = app.window.filters.folder_box
    box.setEditText(taxes)
    box.lineEdit().editingFinished.emit()
    assert app.window.query() == f"in:{taxes}"
    wanted = [Path(p).parent.name == "taxes" for p in file_map.paths]
    qtbot.waitUntil(lambda: list(view.bright) == wanted, timeout=10_000)


def test_strong_matches_are_drawn_largest(qtbot, indexed) -> None:
    """Strong matches of a query are drawn larger than the other lit files, and ringed."""
    _app, file_map = indexed
    view = map_view(qtbot, file_map)
    view.labels = False
    rows = lone_rows(view)
    strong, lit = file_map.paths[rows[0]], file_map.paths[rows[1]]
    view.set_lit([strong, lit], strong=[strong])
    image = view.grab().toImage()
    colour = topic_colour(int(file_map.topic[rows[0]]))

    def width(row: int) -> int:
        """How many pixels across the file's point is drawn in its colour."""
        spot = view.point_at(row).toPoint()
        colour = topic_colour(int(file_map.topic[row]))
        return sum(image.pixelColor(spot.x() + dx, spot.y()) == colour for dx in range(-6, 7))

    assert colour_at(image, view.point_at(rows[0])) == colour
    assert width(rows[0]) > width(rows[1]) > 0
    assert list(view.bright).count(True) == 2
