"""Topics: groups of files about the same thing, each named by words that set it apart.

Clustering is spherical k-means (k-means++ start, a few restarts) on the files' PCA
vectors, in numpy; k grows with the number of files (:func:`topic_count`). Labels are
class-based TF-IDF (BERTopic's c-TF-IDF) over the leading text of each topic's files:
a word scores by how often the topic uses it, times how rare it is across topics. Chosen
against a plain k-means baseline by NMI/ARI on the home set's folders (bench_map.py).

Pure computation, any thread.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

from finder.stopwords import STOPWORDS

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words common in any file that name no topic (on top of the English function words).
_DULL = frozenset(
    """also may one two new use used using see get like page file files http https www com
    org html pdf doc docx txt default value values example following can will must
    """.split()
    # The function words of the other languages a household's files are often in, so
    # a topic of Spanish letters is not named "por, con, que".
    + """que con por para los las del una uno como pero más muy est son sus nos ser
    les des une pour dans sur pas qui avec est sont aux par ces mais
    che per non della delle dei gli con una sono alla nel come
    und der die das den dem ein eine ist nicht mit sich auf für von
    """.split()
)


def topic_count(n: int) -> int:
    """Enough topics to tell things apart, few enough for a legend: ~sqrt(n), 2..40."""
    return int(min(40, max(2, round(n**0.5)))) if n >= 4 else 1


def kmeans(
    points: np.ndarray, k: int, seed: int = 0, restarts: int = 3, rounds: int = 50
) -> np.ndarray:
    """Spherical k-means labels (int32) of ``points`` (rows scaled to unit length)."""
    x = points / np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-12)
    n = len(x)
    if k <= 1 or n <= k:
        return np.arange(n, dtype=np.int32) if n <= k and k > 1 else np.zeros(n, np.int32)
    rng = np.random.default_rng(seed)
    best, best_score = np.zeros(n, np.int32), -np.inf
    for _ in range(restarts):
        centres = _plus_plus(x, k, rng)
        labels = np.zeros(n, np.int32)
        for _ in range(rounds):
            sims = x @ centres.T
            new = sims.argmax(axis=1).astype(np.int32)
            if np.array_equal(new, labels) and _ > 0:
                break
            labels = new
            sums = np.zeros_like(centres)
            np.add.at(sums, labels, x)
            empty = np.bincount(labels, minlength=k) == 0
            sums[empty] = x[rng.integers(0, n, int(empty.sum()))]  # reseed an empty topic
            centres = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        score = float((x @ centres.T).max(axis=1).sum())
        if score > best_score:
            best, best_score = labels, score
    return best


def even_out(
    unit: np.ndarray, points: np.ndarray, labels: np.ndarray, seed: int = 0, margin: float = 0.05
) -> np.ndarray:
    """``labels`` with the loosest topic split in two and the two closest other topics
    merged, again and again (at most once per topic), while the loosest topic is less
    coherent than the median one by ``margin``; the number of topics stays the same.

    Why: in a home folder a household's letters, recipes and bills are a few percent of
    the files and all far from the manuals and code, so flat k-means gives them one
    topic ("norwich, pennington") while code is cut into ten. Coherence is a topic's mean
    cosine to its centre (``unit``: rows of unit length); splitting runs on ``points``
    (the PCA vectors k-means ran on). On the home set the household's 80 files went from
    1-2 topics of 40 (NMI against their folders 0.00-0.09) to 4-5 (0.25-0.31).
    """
    labels = labels.copy()
    k = int(labels.max()) + 1 if len(labels) else 0
    one_hot = np.zeros((k, len(labels)), np.float32)
    one_hot[labels, np.arange(len(labels))] = 1.0
    sums = one_hot @ unit  # each topic's sum of unit vectors, then kept up to date
    sizes = np.bincount(labels, minlength=k)
    for step in range(k):
        norms = np.linalg.norm(sums, axis=1)
        coherence = np.where(sizes > 0, norms / np.maximum(sizes, 1), np.inf)
        loose = np.where(sizes >= 6, coherence, np.inf)
        worst = int(loose.argmin())
        if not np.isfinite(loose[worst]):
            break
        if loose[worst] > float(np.median(coherence[sizes > 0])) - margin:
            break
        members = np.flatnonzero(labels == worst)
        halves = kmeans(points[members], 2, seed + step)
        if halves.min() == halves.max():
            break
        centres = sums / np.maximum(norms, 1e-12)[:, None]
        close = centres @ centres.T
        close[worst, :] = close[:, worst] = -np.inf
        close[sizes == 0, :] = close[:, sizes == 0] = -np.inf
        np.fill_diagonal(close, -np.inf)
        keep, merged = (int(i) for i in np.unravel_index(int(close.argmax()), close.shape))
        if not np.isfinite(close[keep, merged]):
            break
        labels[labels == merged] = keep
        sums[keep] += sums[merged]
        sizes[keep] += sizes[merged]
        half = members[halves == 1]
        labels[half] = merged  # the freed number names the new half
        sums[merged] = unit[half].sum(axis=0)
        sizes[merged] = len(half)
        sums[worst] -= sums[merged]
        sizes[worst] -= len(half)
    return labels


def _plus_plus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ start: each next centre drawn in proportion to its distance from the rest."""
    centres = [x[rng.integers(len(x))]]
    far = 1.0 - x @ centres[0]
    for _ in range(1, k):
        p = np.maximum(far, 0.0)
        total = float(p.sum())
        pick = int(rng.choice(len(x), p=p / total)) if total > 0 else int(rng.integers(len(x)))
        centres.append(x[pick])
        far = np.minimum(far, 1.0 - x @ x[pick])
    return np.stack(centres)


def words_of(text: str) -> list[str]:
    """The label candidates in ``text``: words of 3+ letters, lower case, no stop words."""
    return [
        w for w in (m.lower() for m in _WORD.findall(text)) if w not in STOPWORDS and w not in _DULL
    ]


def label_topics(counts: list[Counter[str]], top: int = 5) -> list[tuple[str, ...]]:
    """The ``top`` most distinctive words of each topic by c-TF-IDF, from word counts
    per topic: tf = count / topic's words, idf = log(1 + mean words per topic / total)."""
    totals: Counter[str] = Counter()
    spread: Counter[str] = Counter()  # in how many topics each word is
    for c in counts:
        totals.update(c)
        spread.update(c.keys())
    # A word in most topics (a town, "date", the family name) names none of them.
    common = {w for w, n in spread.items() if n > len(counts) / 2} if len(counts) >= 4 else set()
    mean_words = sum(totals.values()) / max(len(counts), 1)
    labels = []
    for c in counts:
        size = max(sum(c.values()), 1)
        # A word seen only once in a topic is as likely a name or a typo as its subject.
        scored = (
            (n / size * np.log(1 + mean_words / totals[w]), w)
            for w, n in c.items()
            if (n > 1 or size < 50) and w not in common
        )
        labels.append(tuple(w for _, w in sorted(scored, reverse=True)[:top]))
    return labels


def count_words(
    texts: Iterable[tuple[int, str]], topic_of: dict[int, int], k: int
) -> list[Counter[str]]:
    """Word counts per topic from (file id, text) pairs; each word once per file and
    text, so one long file cannot name its topic alone."""
    counts: list[Counter[str]] = [Counter() for _ in range(k)]
    for file_id, text in texts:
        topic = topic_of.get(file_id, -1)
        if topic >= 0:
            counts[topic].update(set(words_of(text)))
    return counts
