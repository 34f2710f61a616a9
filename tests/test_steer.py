""" "Like this, but about X": the steering arithmetic, IndexReader.similar(about=, avoid=)
on a real index of real files (real model), and `finder similar --about/--not`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from finder.engine import IndexReader, IndexWriter
from finder.explore.steer import SteerWeights, balanced, rank_files, steer, unit
from tests.conftest import run_finder, write

RECIPES = {
    "recipes/lemon cake.md": (
        "Lemon drizzle cake. Cream 225 g butter with 225 g caster sugar, beat in 4 eggs, "
        "fold in self-raising flour and lemon zest. Bake 35 minutes, pour over lemon syrup."
    ),
    "recipes/chocolate cake.md": (
        "Chocolate sponge cake. Cream 200 g butter with 200 g sugar, beat in 4 eggs, fold in "
        "flour and cocoa powder. Bake 30 minutes and cover with chocolate ganache."
    ),
    "recipes/victoria sponge.md": (
        "Victoria sponge cake. Cream 200 g butter with 200 g sugar, beat in 4 eggs, fold in "
        "self-raising flour. Bake 25 minutes, then sandwich with raspberry jam and cream."
    ),
    "recipes/banana bread.md": (
        "Vegan banana bread, fully plant-based: no eggs, no butter, no milk. Mash ripe bananas "
        "with oat milk, sunflower oil, flour and brown sugar, then bake for 50 minutes."
    ),
    "car/service.txt": "Car service invoice: oil change, new brake pads and MOT test, 240 pounds.",
    "pets/dog jabs.txt": "The dog had his yearly booster vaccination at the vet on Friday.",
}


@pytest.fixture(scope="module")
def recipes(
    tmp_path_factory: pytest.TempPathFactory, embedder, cache_dir: Path
) -> tuple[Path, Path]:
    """RECIPES indexed once with the real model: (files, data dir)."""
    root = tmp_path_factory.mktemp("files")
    for rel, text in RECIPES.items():
        write(root / rel, text)
    data = tmp_path_factory.mktemp("data")
    writer = IndexWriter.open(data, cache_dir=cache_dir, embedder=embedder)
    try:
        writer.add_roots([root])
        writer.index()
    finally:
        writer.close()
    return root, data


@pytest.fixture
def reader(recipes: tuple[Path, Path], cache_dir: Path):
    with IndexReader.open(recipes[1], cache_dir=cache_dir) as r:
        yield r


def ranked(hits: list) -> list[str]:
    return [Path(h.path).name for h in hits]


def test_steering_moves_the_file_vector_toward_about_and_away_from_avoid() -> None:
    """steer() is unit length, nearer the about vector and farther from the avoid one."""
    rng = np.random.default_rng(7)
    f, a, n = (unit(rng.normal(size=16)) for _ in range(3))
    assert np.allclose(steer(f), f)
    toward = steer(f, about=a)
    assert np.isclose(np.linalg.norm(toward), 1.0) and toward @ a > f @ a
    away = steer(f, avoid=n)
    assert away @ n < f @ n
    assert steer(f, a, weights=SteerWeights(about=3.0)) @ a > toward @ a


def test_balance_gives_a_narrowly_spread_text_a_larger_weight() -> None:
    """balanced(): a text the candidates are all about equally near gets its weight
    scaled up by the ratio of the spreads; balance=False leaves the weights alone."""
    f, a = np.eye(3)[0], np.eye(3)[1]
    # Candidates spread widely along the file's axis, narrowly along the text's.
    means = np.stack([unit(np.array([x, 0.1 * x, 1.0])) for x in np.linspace(-1.0, 1.0, 9)])
    w = balanced(SteerWeights(), f, a, None, means)
    spread_f, spread_a = np.std(means @ f), np.std(means @ a)
    assert np.isclose(w.about, spread_f / spread_a) and w.about > 5 and w.avoid == 1.0
    assert balanced(SteerWeights(balance=False), f, a, None, means) == SteerWeights(balance=False)


def test_steering_toward_a_text_moves_the_intended_file_up(reader, recipes) -> None:
    """Lemon cake about "vegan": the vegan banana bread, last when plain, moves up; with a
    stronger pull it comes first, and the lemon cake itself is never listed."""
    lemon = recipes[0] / "recipes/lemon cake.md"
    plain = ranked(reader.similar(lemon, 5))
    steered = ranked(reader.similar(lemon, 5, about="vegan"))
    pulled = ranked(reader.similar(lemon, 5, about="vegan", weights=SteerWeights(about=2.0)))
    assert plain.index("banana bread.md") == 2
    assert steered.index("banana bread.md") < 2
    assert pulled[0] == "banana bread.md"
    assert "lemon cake.md" not in plain + steered + pulled


def test_steering_away_from_a_text_moves_a_file_down(reader, recipes) -> None:
    """Lemon cake, not "chocolate": the chocolate cake, first when plain, falls below."""
    lemon = recipes[0] / "recipes/lemon cake.md"
    assert ranked(reader.similar(lemon, 5))[0] == "chocolate cake.md"
    away = ranked(reader.similar(lemon, 5, avoid="chocolate"))
    assert away[0] == "victoria sponge.md" and "chocolate cake.md" in away[1:]


def test_cli_similar_about_not_prints_json(recipes) -> None:
    """`finder similar FILE --about TEXT --not TEXT --json` prints the steered hits as JSON."""
    root, data = recipes
    lemon = str(root / "recipes/lemon cake.md")
    done = run_finder(data, "similar", lemon, "--about", "vegan", "--not", "chocolate", "--json")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    paths = [Path(h["path"]).name for h in hits]
    assert paths[0] == "banana bread.md" and "lemon cake.md" not in paths
    assert paths.index("chocolate cake.md") > 0
    assert {"path", "score", "snippet", "matched_by"} <= set(hits[0])


def test_a_few_candidates_are_not_balanced_into_a_tie() -> None:
    """With fewer candidates than a spread means anything (two stand one standard
    deviation either side), the weights are left as given, so the file nearer the text
    is not tied with the one nearer the file."""
    f = np.array([1.0, 0.0, 0.0])
    about = np.array([0.0, 1.0, 0.0])
    means = np.array([[0.9, 0.1, 0.0], [0.2, 0.9, 0.0]])
    weights = SteerWeights()
    assert balanced(weights, f, about, None, means) == weights
    ranked = rank_files(steer(f, about, None, weights), dict(zip("ab", means, strict=True)))
    assert ranked[0][1] != ranked[1][1]
