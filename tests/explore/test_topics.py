"""Topics: a loose group of files (a household's papers among code) gets several topics."""

from __future__ import annotations

import numpy as np

from finder.explore.topics import even_out, kmeans


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def test_the_loosest_topic_is_split_and_the_closest_pair_merged() -> None:
    """Six tight groups (two of them near twins) and one loose group made of three
    distinct themes: flat k-means with k=6 gives the loose group one topic and the twins
    two; even_out splits the loose group and merges the twins, keeping six topics."""
    rng = np.random.default_rng(0)
    dims = 32
    axes = np.eye(dims)
    tight = [axes[i] for i in range(5)]
    twin = _unit(tight[4] + 0.05 * axes[5])  # almost the same direction as group 4
    loose_centre = _unit(axes[10] + axes[11] + axes[12])
    themes = [_unit(loose_centre + 0.9 * axes[j]) for j in (20, 21, 22)]
    rows, truth = [], []
    for g, centre in enumerate([*tight, twin]):
        rows += [centre + 0.02 * rng.standard_normal(dims) for _ in range(40)]
        truth += [g] * 40
    for t, centre in enumerate(themes):
        rows += [centre + 0.02 * rng.standard_normal(dims) for _ in range(10)]
        truth += [10 + t] * 10
    unit = _unit(np.array(rows))
    truth_arr = np.array(truth)
    flat = kmeans(unit, 6, seed=0)
    loose = truth_arr >= 10
    assert len(set(flat[loose].tolist())) == 1  # the loose group is one topic

    even = even_out(unit, unit, flat, seed=0)
    assert len(set(even.tolist())) == 6
    assert len(set(even[loose].tolist())) >= 2  # now split by theme
    for theme in (10, 11, 12):  # never a theme cut in two
        assert len(set(even[truth_arr == theme].tolist())) == 1
    twins = (truth_arr == 4) | (truth_arr == 5)
    assert len(set(even[twins].tolist())) == 1  # the near twins share one topic


def test_even_topics_are_left_alone() -> None:
    """Topics about equally coherent are returned unchanged."""
    rng = np.random.default_rng(1)
    axes = np.eye(16)
    unit = _unit(
        np.array([axes[g] + 0.05 * rng.standard_normal(16) for g in range(4) for _ in range(20)])
    )
    flat = kmeans(unit, 4, seed=0)
    assert (even_out(unit, unit, flat) == flat).all()
