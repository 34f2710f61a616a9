"""Benchmark of the files' map (finder.explore): layout, topics, placing, search meanwhile.

Run on demand from the repository root (pytest collects nothing here)::

    .venv/bin/python tests/bench/bench_map.py [--data DIR] [--big 100000]
        [--extra-site /tmp/venv/lib/python3.11/site-packages]

``--data``: a built index of the home set (default: the kept one, opened read-only).
``--extra-site``: where umap-learn and openTSNE were pip-installed for the comparison
only (appended to sys.path; they are never finder dependencies); without it they are
skipped. Prints a Markdown report:

1. **Layout** at 10k and ``--big`` points for each candidate (ours: numpy + hnswlib;
   PCA; umap-learn; openTSNE): seconds and peak memory (each run in a fresh child
   process: its peak RSS minus its RSS once the data is loaded), trustworthiness@10
   (sklearn, cosine; at ``--big`` on a random 5,000-point subset of the points and
   their positions), and the installed weight of what each needs beyond finder's
   dependencies. 10k = 10,000 real chunk vectors of the home index; ``--big`` = synthetic
   vectors blended from them (each a random mix of a real chunk vector and one of its 10
   nearest, plus a little noise), so clusters are real-shaped.
2. **The whole map** (layout + k-means topics + c-TF-IDF labels) of the home index's
   files, and topics alone at ``--big``.
3. **Placing one file**: p50/p95 ms to place a held-out vector on the 10k and big maps.
4. **Topics vs folders**: NMI/ARI against the category folders of home/personal
   (Documents/<category>, Desktop, Downloads) for our topics and a plain k-means baseline
   (scikit-learn KMeans, k = number of folders, on the same file vectors).
5. **Search during a layout**: p95 IndexReader.search latency over queries.tsv while a
   ``--big`` layout runs in a thread of the same process, against idle, same run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from finder.engine import IndexReader  # noqa: E402
from finder.explore.build import find_topics, map_vectors  # noqa: E402
from finder.explore.file_map import FileMap  # noqa: E402
from finder.explore.file_vectors import FileVectors, read_file_vectors  # noqa: E402
from finder.explore.layout import knn_graph, layout, pca  # noqa: E402
from finder.explore.place import Placer  # noqa: E402
from finder.explore.topics import kmeans, topic_count  # noqa: E402
from finder.service.priority import lower_thread_priority  # noqa: E402

HOME = Path("/work/shared/data/home")
KEPT = Path("/work/wt/quality-data/w/data")
MB = 1024 * 1024
CANDIDATES = ["ours", "pca", "umap", "opentsne"]  # --candidates narrows it


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident MB now (VmRSS) or at its peak (VmHWM; unlike ru_maxrss
    it is not inherited across the spawn's exec from the parent)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _child(name: str, data: str, out: multiprocessing.Queue, extra: str | None) -> None:
    """Lay ``data`` (.npy) out with candidate ``name``; report seconds, peak MB, xy."""
    if extra:
        sys.path.append(extra)
    x = np.load(data)
    base = rss_mb()
    start = time.perf_counter()
    if name == "ours":
        y = layout(x)
    elif name == "pca":
        y = pca(x, 2)
    elif name == "umap":
        import umap

        y = umap.UMAP(n_neighbors=15, metric="cosine", random_state=None, n_jobs=2).fit_transform(x)
    elif name == "opentsne":
        from openTSNE import TSNE

        y = TSNE(metric="cosine", n_jobs=2, random_state=0).fit(x)
    else:
        raise ValueError(name)
    seconds = time.perf_counter() - start
    peak = rss_mb("VmHWM")
    out.put((seconds, peak - base, np.asarray(y, np.float32)))


def run_candidate(
    name: str, x: np.ndarray, extra: str | None, tmp: Path
) -> tuple[float, float, np.ndarray]:
    path = tmp / "points.npy"
    np.save(path, x)
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(name, str(path), out, extra))
    child.start()
    result = out.get()
    child.join()
    return result


def trust(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, sample: int = 5000) -> float:
    from sklearn.manifold import trustworthiness

    if len(x) > 10_000:
        pick = rng.choice(len(x), sample, replace=False)
        x, y = x[pick], y[pick]
    return float(trustworthiness(x, y, n_neighbors=10, metric="cosine"))


def blend(chunks: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` synthetic vectors: a real chunk vector mixed with one of its 10 nearest."""
    neighbours, _ = knn_graph(chunks, 10, 2, 0)
    a = rng.integers(0, len(chunks), n)
    b = neighbours[a, rng.integers(0, neighbours.shape[1], n)]
    t = rng.random((n, 1)).astype(np.float32)
    v = t * chunks[a] + (1 - t) * chunks[b]
    v += rng.normal(0, 0.02, v.shape).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def weights(extra: str | None) -> dict[str, str]:
    """Installed size of what each candidate needs beyond finder's own dependencies."""

    def size(*names: str) -> float:
        total = 0
        for root in filter(None, [extra, *sys.path]):
            for name in names:
                p = Path(root) / name
                if p.is_dir():
                    total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
                    names = tuple(x for x in names if x != name)
        return total / MB

    sk = ("sklearn", "scikit_learn.libs", "scipy", "scipy.libs", "joblib", "threadpoolctl")
    return {
        "ours": "0 MB (numpy, hnswlib: already finder's)",
        "pca": "0 MB",
        "umap": f"{size('umap', 'pynndescent', 'numba', 'llvmlite', *sk):.0f} MB "
        "(umap-learn, pynndescent, numba, llvmlite, scikit-learn, scipy)",
        "opentsne": f"{size('openTSNE', 'opentsne.libs', *sk):.0f} MB "
        "(openTSNE, scikit-learn, scipy)",
    }


def section_layout(
    chunks: np.ndarray, big: int, extra: str | None, tmp: Path, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    ten = chunks[rng.choice(len(chunks), 10_000, replace=False)]
    many = blend(chunks, big, rng)
    names = [c for c in CANDIDATES if c in ("ours", "pca") or extra]
    w = weights(extra)
    print("## 1. Layout (2 cores)\n")
    print("| candidate | points | seconds | peak MB | trustworthiness@10 | added weight |")
    print("|---|---|---|---|---|---|")
    for x, label in ((ten, "10,000 real"), (many, f"{big:,} blended")):
        for name in names:
            seconds, peak, y = run_candidate(name, x, extra, tmp)
            t = trust(x, y, rng)
            print(
                f"| {name} | {label} | {seconds:.1f} | {peak:.0f} | {t:.3f} | {w[name]} |",
                flush=True,
            )
    print()
    return ten, many


def section_topics_big(many: np.ndarray) -> None:
    start = time.perf_counter()
    k = topic_count(len(many))
    kmeans(pca(many, 64), k)
    print(
        f"Topics (k-means, k={k}) of {len(many):,} blended vectors: "
        f"{time.perf_counter() - start:.1f} s\n"
    )


def section_place(ten: np.ndarray, many: np.ndarray) -> None:
    print("## 3. Placing one new file\n")
    print("| map | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for x in (ten, many):
        held, kept = x[:200], x[200:]
        xy = np.random.default_rng(0).random((len(kept), 2)).astype(np.float32)
        fm = FileMap(
            tuple(f"/f/{i}" for i in range(len(kept))), xy, np.zeros(len(kept), np.int32), ()
        )
        placer = Placer(fm, kept)
        times = []
        for i, v in enumerate(held):
            start = time.perf_counter()
            placer.place([f"/new/{i}"], v.reshape(1, -1))
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"| {len(kept):,} files | {times[100]:.2f} | {times[190]:.2f} | {times[-1]:.2f} |")
    print()


def category(path: str) -> str | None:
    rel = path.split("/home/", 1)[-1].split("/")
    if rel[0] == "Documents" and len(rel) > 2:
        return "/".join(rel[:2])
    return rel[0] if rel[0] in ("Desktop", "Downloads") else None


def section_nmi(reader: IndexReader, files: FileVectors) -> None:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    print("## 4. Topics vs the folders of home/personal\n")
    rows = [i for i, p in enumerate(files.paths) if category(p)]
    truth = [category(files.paths[i]) for i in rows]
    k_true = len(set(truth))
    personal = FileVectors(
        files.ids[rows], tuple(files.paths[i] for i in rows), files.vectors[rows]
    )
    print(f"{len(rows)} personal files in {k_true} folders.\n")
    print("| method | k | NMI | ARI |")
    print("|---|---|---|---|")

    def show(name: str, k: int, labels: np.ndarray) -> None:
        nmi = normalized_mutual_info_score(truth, labels)
        ari = adjusted_rand_score(truth, labels)
        print(f"| {name} | {k} | {nmi:.3f} | {ari:.3f} |")

    base = KMeans(k_true, n_init=10, random_state=0).fit_predict(personal.vectors)
    show("baseline: scikit-learn KMeans on the file vectors", k_true, base)
    topic, topics = find_topics(reader.catalog, personal)
    show("ours: spherical k-means on PCA-64, k from n (map of personal files)", len(topics), topic)
    show("ours with k = number of folders", k_true, kmeans(pca(personal.vectors, 64), k_true))
    whole, whole_topics = find_topics(reader.catalog, files)
    show(
        "ours, topics of the whole home map, restricted to personal", len(whole_topics), whole[rows]
    )
    k_whole = topic_count(len(files))
    flat = kmeans(pca(files.vectors, 64), k_whole)[rows]
    show("the same without evening out (flat k-means)", k_whole, flat)
    spread = len(set(whole[rows].tolist())), len(set(flat.tolist()))
    print(f"\nPersonal files over {spread[0]} topics of the whole map ({spread[1]} flat).")
    print()
    for t in topics:
        members = [truth[i] for i in range(len(truth)) if topic[i] == t.id]
        common = max(set(members), key=members.count)
        print(f"- topic {t.id} ({t.size}): {', '.join(t.words)} — mostly {common}")
    print()


def section_search(reader: IndexReader, many: np.ndarray) -> None:
    print("## 5. Search latency during a layout\n")
    queries = [line.split("\t")[1] for line in (HOME / "queries.tsv").read_text().splitlines()[1:]]
    reader.search("warm up", 5)

    def timed(qs: list[str]) -> list[float]:
        out = []
        for q in qs:
            start = time.perf_counter()
            reader.search(q, 20)
            out.append((time.perf_counter() - start) * 1000)
        return out

    idle = timed(queries)
    done = threading.Event()

    def lay_out() -> None:
        lower_thread_priority(10)  # as the map keeper's thread does
        layout(many)
        done.set()

    thread = threading.Thread(target=lay_out)
    start = time.perf_counter()
    thread.start()
    during: list[float] = []
    while not done.is_set():
        during += timed(queries[:10])
    thread.join()
    took = time.perf_counter() - start

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    print("| | queries | p50 ms | p95 ms |\n|---|---|---|---|")
    print(f"| idle | {len(idle)} | {statistics.median(idle):.0f} | {p95(idle):.0f} |")
    print(
        f"| during a {len(many):,}-point layout ({took:.0f} s, a thread of the same process, "
        f"nice 10) | {len(during)} | {statistics.median(during):.0f} | {p95(during):.0f} |"
    )
    print()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=KEPT)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--extra-site", default=None)
    ap.add_argument(
        "--skip", default="", help="comma list of sections to skip: layout,map,place,nmi,search"
    )
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    args = ap.parse_args()
    CANDIDATES[:] = args.candidates.split(",")
    skip = set(args.skip.split(","))
    rng = np.random.default_rng(0)
    print(
        f"# The files' map: benchmark ({time.strftime('%Y-%m-%d')}, "
        f"{multiprocessing.cpu_count()} cores)\n"
    )
    with IndexReader.open(args.data) as reader, tempfile.TemporaryDirectory() as tmp:
        dimension = reader.catalog.stored_dimension() or 384
        _, chunks = reader.catalog.vectors_by_ids(
            reader.catalog.live_vector_ids().tolist(), dimension
        )
        chunks = chunks / np.linalg.norm(chunks, axis=1, keepdims=True)
        if "layout" not in skip:
            ten, many = section_layout(chunks, args.big, args.extra_site, Path(tmp), rng)
        else:
            ten, many = chunks[:10_000], blend(chunks, args.big, rng)
        start = time.perf_counter()
        files = read_file_vectors(reader.catalog, dimension)
        read_s = time.perf_counter() - start
        if "map" not in skip:
            print("## 2. The whole map\n")
            start = time.perf_counter()
            file_map = map_vectors(reader.catalog, files)
            print(
                f"Home index, {len(files):,} files: file vectors read in {read_s:.2f} s; "
                f"layout + topics + labels {time.perf_counter() - start:.1f} s; "
                f"{len(file_map.topics)} topics."
            )
            section_topics_big(many)
        if "place" not in skip:
            section_place(ten, many)
        if "nmi" not in skip:
            section_nmi(reader, files)
        if "search" not in skip:
            section_search(reader, many)


if __name__ == "__main__":
    main()
