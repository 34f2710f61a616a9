"""Smoke test of an installed finder: the packaged binary, run as a user would run it.

Called by ``packaging/test-installers.sh`` (and the installers CI workflow) with the
binary of an unpacked or installed package. Standard library only, so any python3 runs it
and nothing of the developer's install leaks into what is tested. Checks, in order:

1. ``finder --version`` names the version;
2. ``finder index`` on a folder of real files in four formats (txt, md, pdf, docx, made
   here), then ``finder status --json``: all indexed, none failed;
3. a paraphrase of each file's content (no shared content words) finds that file first
   (``finder search --legs meaning``), ``finder check`` passes naming the shipped model,
   and a plain hybrid search answers too; ``finder topics`` makes the map, ``finder
   duplicates`` answers and ``finder similar --about`` steers (the explore features need
   nothing the bundle leaves out);
4. with ``--window``: the window (``finder`` without a command, under an X server such as
   ``xvfb-run``) is mapped within ``--window-timeout`` seconds, timed over ``--runs`` fresh
   starts, and SIGTERM closes it cleanly (exit status 0, no traceback from any thread);
   ``--window-offscreen`` instead (macOS, Windows: no X server to watch): the window
   opened under Qt's offscreen platform is still running after ``--window-timeout``
   seconds; on POSIX SIGTERM then closes it cleanly and it saves its window.json;
5. with ``--no-network``: a connection out fails first (the caller runs all of this in
   a network namespace of its own: ``unshare -n``), so every step above ran offline.

``--speed DOCS --pip-python PY``: also index DOCS SciFact documents with the installed
binary and with the pip app (``PY -m finder``) on the same files in the same run, and print
the bundle's indexing speed as a ratio to the pip app's (torch in bf16 where the CPU has it,
and in fp32, what most laptops run).

Prints one line per check and a summary; exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

FILES = {
    "boiler.txt": "The plumber replaced the old gas boiler in the cellar last winter; the "
    "radiators upstairs finally get warm again.",
    "roses.md": "# Garden notes\n\nPrune the roses in early spring, just above an outward "
    "facing bud, and feed them after the first flowering.",
    "budget.pdf": "Monthly household budget. Rent 900 euros, groceries 300 euros, savings "
    "200 euros, electricity and water 120 euros.",
    "alps.docx": "Our walk climbed through pine forest to a mountain hut, where we slept "
    "before crossing the glacier at dawn.",
}
PARAPHRASES = {
    "boiler.txt": "a tradesman swapped the heating system in the basement",
    "roses.md": "when to cut back flowering shrubs",
    "budget.pdf": "how much money we spend on housing and food every month",
    "alps.docx": "hiking trip in high alpine terrain with an overnight stay",
}


class Smoke:
    """Runs the installed ``finder`` against private data, config and cache dirs."""

    def __init__(self, finder: Path, work: Path) -> None:
        self.finder = finder
        self.work = work
        self.env = {
            **os.environ,
            "FINDER_DATA_DIR": str(work / "data"),
            "FINDER_CONFIG_DIR": str(work / "config"),
            "FINDER_CACHE_DIR": str(work / "cache"),
            "XDG_RUNTIME_DIR": str(work / "runtime"),
        }
        (work / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
        self.failures: list[str] = []

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.finder), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env,
        )

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        print(f"{'ok  ' if ok else 'FAIL'} {what}{f': {detail}' if detail else ''}", flush=True)
        if not ok:
            self.failures.append(what)
        return ok


def make_pdf(path: Path, text: str) -> None:
    """A one-page PDF with ``text`` in Helvetica, written by hand (no library needed)."""
    lines = re.findall(r".{1,60}(?:\s|$)", text)
    stream = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(
        "(" + line.strip().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def make_docx(path: Path, text: str) -> None:
    """A minimal Word document holding ``text`` as one paragraph."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>'
            f"{text}</w:t></w:r></w:p></w:body></w:document>",
        )


def write_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        if name.endswith(".pdf"):
            make_pdf(folder / name, text)
        elif name.endswith(".docx"):
            make_docx(folder / name, text)
        else:
            (folder / name).write_text(text, encoding="utf-8")


def check_index_and_search(smoke: Smoke) -> None:
    folder = smoke.work / "files"
    write_files(folder)
    started = time.perf_counter()
    done = smoke.run("index", str(folder))
    seconds = time.perf_counter() - started
    last = (done.stderr.strip().splitlines() or [""])[-1]
    what = "finder index (txt, md, pdf, docx)"
    smoke.check(done.returncode == 0, what, f"{seconds:.1f} s; {last}")
    status = smoke.run("status", "--json")
    try:
        st = json.loads(status.stdout)
    except ValueError:
        st = {}
    smoke.check(
        st.get("files_indexed") == len(FILES) and st.get("files_failed") == 0,
        "finder status --json",
        f"{st.get('files_indexed')} indexed, {st.get('files_failed')} failed, "
        f"{st.get('vectors')} vectors, model {st.get('model')}",
    )
    for name, query in PARAPHRASES.items():
        found = smoke.run("search", "--json", "--legs", "meaning", query)
        try:
            top = Path(json.loads(found.stdout)[0]["path"]).name
        except (ValueError, IndexError, KeyError):
            top = f"(no answer: {found.stderr.strip()[-200:]})"
        smoke.check(top == name, f"paraphrase finds {name}", f"{query!r} -> {top}")
    check = smoke.run("check")
    smoke.check(
        check.returncode == 0 and "shipped with finder" in check.stdout,
        "finder check (the shipped model)",
        check.stdout.strip().splitlines()[-1] if check.stdout.strip() else check.stderr[-300:],
    )
    hybrid = smoke.run("search", "roses")
    smoke.check(hybrid.returncode == 0 and "roses.md" in hybrid.stdout, "hybrid search 'roses'")


def check_explore(smoke: Smoke) -> None:
    """The map, its topics, duplicates and steering run in the bundle (numpy and hnswlib
    only: nothing the spec leaves out may be needed)."""
    topics = smoke.run("topics", "--json", "--refresh")
    try:
        mapped = sum(len(t["files"]) for t in json.loads(topics.stdout))
    except (ValueError, KeyError, TypeError):
        mapped = -1
    smoke.check(
        topics.returncode == 0 and mapped == len(FILES),
        "finder topics (the map made in the bundle)",
        f"{mapped} files mapped" if mapped >= 0 else topics.stderr.strip()[-300:],
    )
    dups = smoke.run("duplicates", "--json")
    try:
        groups = len(json.loads(dups.stdout))
    except ValueError:
        groups = -1
    smoke.check(
        dups.returncode == 0 and groups >= 0,
        "finder duplicates",
        f"{groups} groups" if groups >= 0 else dups.stderr.strip()[-300:],
    )
    roses = str(smoke.work / "files" / "roses.md")
    steered = smoke.run("similar", roses, "--about", "money", "--json")
    try:
        first = Path(json.loads(steered.stdout)[0]["path"]).name
    except (ValueError, IndexError, KeyError):
        first = f"(no answer: {steered.stderr.strip()[-200:]})"
    smoke.check(first == "budget.pdf", "finder similar --about money (steering)", first)


def time_window(smoke: Smoke, timeout: float) -> float | None:
    """Seconds from starting ``finder`` to its window being mapped, or None; then SIGTERM
    and check it exits cleanly. xev reports every window mapped on the root."""
    xev = subprocess.Popen(
        ["xev", "-root", "-event", "substructure"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=0,
    )
    app: subprocess.Popen[str] | None = None
    try:
        assert xev.stdout is not None
        fd = xev.stdout.fileno()
        selector = selectors.DefaultSelector()
        selector.register(fd, selectors.EVENT_READ)
        pending = b""  # read but not yet handed out: select() cannot see these lines

        def next_event(deadline: float) -> str:
            nonlocal pending
            while True:
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if b"event," in line:
                        return line.split()[0].decode()
                left = deadline - time.perf_counter()
                if left <= 0 or not selector.select(left):
                    return ""
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise RuntimeError("xev ended: is there an X server ($DISPLAY)?")
                pending += chunk

        # Once xev has seen a throwaway window come and go it is listening: only then can
        # no map of finder's window be missed.
        probe = subprocess.Popen(["xmessage", "-timeout", "1", "listening"])
        try:
            while next_event(time.perf_counter() + 10) not in ("DestroyNotify", ""):
                pass
        finally:
            probe.wait()
        started = time.perf_counter()
        app = subprocess.Popen(
            [str(smoke.finder)],
            env=smoke.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = started + timeout
        shown = None
        while shown is None and (event := next_event(deadline)):
            if event == "MapNotify":
                shown = time.perf_counter() - started
        app.send_signal(signal.SIGTERM)
        output, _ = app.communicate(timeout=60)
        smoke.check(
            app.returncode == 0 and "Traceback" not in output,  # a thread that died counts
            "window closes on SIGTERM",
            f"exit {app.returncode}"
            + (f"; it said: {said}" if (said := output.strip()[-500:]) else ""),
        )
        if shown is None:
            print(f"     xev saw no window map; finder said: {output.strip()[-500:]!r}")
        return shown
    finally:
        if app is not None and app.poll() is None:
            app.kill()
        xev.kill()
        xev.wait()


def check_window(smoke: Smoke, runs: int, timeout: float) -> None:
    times = [time_window(smoke, timeout) for _ in range(runs)]
    shown = [t for t in times if t is not None]
    detail = ", ".join("-" if t is None else f"{t:.2f} s" for t in times)
    if shown:
        detail += f"; median {statistics.median(shown):.2f} s (goal < 1.5 s)"
    smoke.check(len(shown) == runs, "window shown", detail)


def check_window_offscreen(smoke: Smoke, seconds: float) -> None:
    """The window, drawn offscreen, keeps running; closed by SIGTERM where there is one."""
    app = subprocess.Popen(
        [str(smoke.finder)],
        env={**smoke.env, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = app.communicate(timeout=seconds)
        smoke.check(False, "window runs (offscreen)", f"exit {app.returncode}: {output[-500:]}")
        return
    except subprocess.TimeoutExpired:
        pass  # still up: what a window does
    if sys.platform == "win32":  # no SIGTERM to ask it to quit: only that it ran
        app.kill()
        app.communicate()
        smoke.check(True, "window runs (offscreen)", f"still up after {seconds:.0f} s")
        return
    app.send_signal(signal.SIGTERM)
    output, _ = app.communicate(timeout=60)
    saved = (smoke.work / "config" / "window.json").is_file()
    smoke.check(
        app.returncode == 0 and saved,
        "window runs (offscreen) and closes on SIGTERM",
        f"exit {app.returncode}, window.json {'saved' if saved else 'missing'} {output[-300:]}",
    )


def check_no_network(smoke: Smoke) -> None:
    try:
        with socket.create_connection(("1.1.1.1", 53), timeout=3):
            reached = True
    except OSError:
        reached = False
    smoke.check(not reached, "no network in this namespace (all of the above ran offline)")


def scifact_files(source: Path, folder: Path, docs: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(source / "corpus.jsonl", encoding="utf-8") as f:
        for _, line in zip(range(docs), f, strict=False):
            doc = json.loads(line)
            text = f"{(doc.get('title') or '').strip()}\n\n{doc['text']}"
            (folder / f"{doc['_id']}.txt").write_text(text, encoding="utf-8")


def timed_index(command: list[str], env: dict[str, str], folder: Path) -> tuple[float, float, int]:
    """Wall seconds of a first ``finder index`` (process start and model loading
    included), the seconds its report gives for the run itself, and the chunks."""
    started = time.perf_counter()
    done = subprocess.run([*command, "index", str(folder)], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command} index failed: {done.stderr[-500:]}")
    found = re.search(r"(\d+) chunks embedded in ([\d.]+) s", done.stderr)
    if found is None:
        raise RuntimeError(f"{command} index said: {done.stderr[-500:]}")
    return seconds, float(found.group(2)), int(found.group(1))


def check_speed(smoke: Smoke, docs: int, pip_python: str, scifact: Path) -> None:
    folder = smoke.work / "speed-files"
    scifact_files(scifact, folder, docs)
    runs = {"bundle (onnxruntime fp32)": ([str(smoke.finder)], {})}
    pip = [pip_python, "-m", "finder"]
    runs["pip app (torch, its own choice)"] = (pip, {})
    runs["pip app (torch fp32)"] = (pip, {"FINDER_PRECISION": "fp32"})
    rates = {}
    for label, (command, extra) in runs.items():
        with tempfile.TemporaryDirectory(dir=smoke.work) as tmp:
            env = {**smoke.env, **extra, "FINDER_DATA_DIR": tmp + "/data"}
            wall, run, chunks = timed_index(command, env, folder)
        rates[label] = (chunks / wall, chunks / run)
        print(
            f"     {label}: {chunks} chunks, {wall:.1f} s wall = {chunks / wall:.1f} chunks/s; "
            f"run alone {run:.1f} s = {chunks / run:.1f} chunks/s"
        )
    bundle = rates.pop("bundle (onnxruntime fp32)")
    for label, (wall_rate, run_rate) in rates.items():
        print(
            f"     bundle / {label}: {bundle[0] / wall_rate:.2f} (wall), "
            f"{bundle[1] / run_rate:.2f} (run alone)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--finder", type=Path, required=True, help="the installed binary")
    parser.add_argument("--version", help="the version --version must print")
    parser.add_argument("--window", action="store_true", help="time the window (needs X)")
    parser.add_argument("--window-offscreen", action="store_true", help="the window, offscreen")
    parser.add_argument("--runs", type=int, default=3, help="window starts to time")
    parser.add_argument("--window-timeout", type=float, default=20.0)
    parser.add_argument("--no-network", action="store_true", help="check the net is blocked")
    parser.add_argument("--speed", type=int, metavar="DOCS", help="compare indexing speed")
    parser.add_argument("--pip-python", help="python of the pip app for --speed")
    parser.add_argument("--scifact", type=Path, help="SciFact folder for --speed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="finder-smoke-") as tmp:
        smoke = Smoke(args.finder.resolve(), Path(tmp))
        version = smoke.run("--version")
        wanted = f"finder {args.version}" if args.version else "finder "
        smoke.check(
            version.returncode == 0 and version.stdout.startswith(wanted),
            "finder --version",
            version.stdout.strip() or version.stderr.strip()[-300:],
        )
        check_index_and_search(smoke)
        check_explore(smoke)
        if args.window:
            check_window(smoke, args.runs, args.window_timeout)
        if args.window_offscreen:
            check_window_offscreen(smoke, args.window_timeout)
        if args.no_network:
            check_no_network(smoke)
        if args.speed:
            check_speed(smoke, args.speed, args.pip_python, args.scifact)
    if smoke.failures:
        print(f"{len(smoke.failures)} check(s) failed: {', '.join(smoke.failures)}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
