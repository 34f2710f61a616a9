"""Which extractor handles which file, and the one entry point the sandbox calls.

Dispatch is by lower-cased suffix (:data:`EXTRACTORS`). Formats whose content is not
text worth reading (images, audio, video, archives, executables, binary office files:
:data:`NAME_ONLY_SUFFIXES`) have no extractor (:func:`extractor_for` returns ``None``) and
are indexed by name, never opened. Every other file, with no suffix (``README``,
``NEWS``, ``.bashrc``) or one nobody listed (``README.Debian``, ``notes.old``,
``setup.1``), is sniffed (:func:`finder.extract.text.extract_sniffed`): extracted as text
if its first few KiB are text, otherwise an empty result without an error.

Whatever the extractor, :func:`extract_file` hands back normalised text
(:mod:`finder.extract.normalise`), so every format reaches the index in one form.

:data:`EXTRACTORS` may be added to at run time (tests add parsers that hang, balloon or
crash); :func:`added_extractors` lists those additions, which the sandbox hands to its
worker processes, since a spawned worker starts from the built-in table.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from finder.extract import html, mail, office, pdf, rtf, text
from finder.extract.normalise import normalise_extracted
from finder.extract.reading import open_regular
from finder.extract.types import Extracted, ExtractionError, ExtractLimits

Extractor = Callable[[Path, ExtractLimits], Extracted]

# Whitespace-separated so the list stays scannable; split below.
_TEXT_SUFFIX_WORDS = """
    .txt .text .md .markdown .mdown .mkd .rst .adoc .asciidoc .org .tex .bib .rmd .qmd
    .csv .tsv .json .jsonl .ndjson .geojson .ipynb .yaml .yml .toml .ini .cfg .conf
    .config .properties .env .log .xml .xsd .xsl .xslt .plist .srt .vtt .diff .patch
    .py .pyi .pyw .pyx .js .mjs .cjs .mts .cts .tsx .jsx .java .c .h .cpp .hpp .cc .cxx .hh
    .hxx .ino .cs .fs .fsx .vb .go .rs .rb .rake .gemspec .php .swift .kt .kts .scala .sc
    .groovy .gradle .sbt .clj .cljs .edn .ex .exs .erl .hrl .hs .lhs .ml .mli .elm .dart
    .jl .nim .zig .d .lua .pl .pm .r .m .mm .f .f90 .f95 .pas .asm .s .v .sv .vhd .vhdl
    .sh .bash .zsh .fish .ps1 .psm1 .bat .cmd .awk .sed .tcl .vim .el .lisp .scm .rkt
    .sql .graphql .gql .proto .tf .hcl .nix .cmake .mk .make .dockerfile
    .css .scss .sass .less .vue .svelte .astro .jinja .j2 .twig .hbs .mustache .ejs .erb
    .liquid .desktop .service .reg .nfo
"""
_TEXT_SUFFIXES = _TEXT_SUFFIX_WORDS.split()

_NAME_ONLY_SUFFIX_WORDS = """
    .jpg .jpeg .jpe .png .gif .bmp .tif .tiff .webp .heic .heif .avif .ico .icns .psd .xcf
    .raw .cr2 .cr3 .nef .arw .dng .orf .rw2 .svg .svgz .eps .ai .indd
    .mp3 .wav .flac .ogg .oga .opus .m4a .aac .wma .aif .aiff .mid .midi .amr
    .mp4 .m4v .mkv .webm .avi .mov .wmv .flv .mpg .mpeg .3gp .vob .m2ts .ogv
    .zip .gz .tgz .bz2 .tbz2 .xz .txz .zst .7z .rar .tar .lz .lzma .cab .deb .rpm .apk
    .jar .war .whl .egg .dmg .iso .img .pkg .msi .snap .appimage .xpi .crx
    .exe .dll .so .dylib .o .a .lib .obj .class .pyc .pyo .pyd .wasm .bin .elf .ko
    .doc .dot .xls .xlsx .xlsm .ppt .pptx .odp .ods .odg .pages .numbers .key .msg .pst
    .mdb .accdb .mobi .azw .azw3 .djvu .cbz .cbr .xps .oxps
    .ttf .otf .woff .woff2 .eot .pfb
    .sqlite .sqlite3 .db .npy .npz .pkl .pickle .h5 .hdf5 .parquet .feather .arrow
    .pt .pth .onnx .safetensors .ckpt .gguf .tflite .blend .fbx .glb .stl .3ds .swf
    .vmdk .qcow2 .vdi .vhdx .kdbx .gpg .pgp .sig .torrent .lnk
"""
NAME_ONLY_SUFFIXES = frozenset(_NAME_ONLY_SUFFIX_WORDS.split())
"""Lower-cased suffixes of files that are indexed by name only, without reading them."""

EXTRACTORS: dict[str, Extractor] = {
    **dict.fromkeys(_TEXT_SUFFIXES, text.extract),
    # .ts is TypeScript, but also MPEG transport-stream video: sniff instead of failing.
    ".ts": text.extract_sniffed,
    ".html": html.extract,
    ".htm": html.extract,
    ".xhtml": html.extract,
    ".shtml": html.extract,
    ".pdf": pdf.extract,
    ".docx": office.extract_docx,
    ".odt": office.extract_odt,
    ".epub": office.extract_epub,
    ".rtf": rtf.extract,
    ".eml": mail.extract,
}
"""Lower-cased suffix (with the dot) -> extractor."""

_BUILT_IN = dict(EXTRACTORS)

_MAX_REASON = 200


def extractor_for(path: Path) -> Extractor | None:
    """The extractor for ``path``, or ``None`` if the file should be indexed by name only.

    A suffix neither in :data:`EXTRACTORS` nor in :data:`NAME_ONLY_SUFFIXES` (or none at
    all) gets the sniffing text extractor: text is recognised by content, not by name.
    """
    suffix = path.suffix.lower()
    extractor = EXTRACTORS.get(suffix)
    if extractor is not None or suffix in NAME_ONLY_SUFFIXES:
        return extractor
    return text.extract_sniffed


def added_extractors() -> dict[str, Extractor]:
    """The entries of :data:`EXTRACTORS` set at run time (a new suffix, or another
    extractor for a known one). They reach worker processes pickled, so by name:
    module-level functions only."""
    return {s: f for s, f in EXTRACTORS.items() if _BUILT_IN.get(s) is not f}


def extract_file(path: Path, limits: ExtractLimits) -> Extracted:
    """Extract the text of ``path``, raising ``ExtractionError`` for every expected failure.

    Checks that ``path`` is a regular file within ``limits.max_file_bytes``, dispatches on
    the suffix, normalises the text (:func:`~finder.extract.normalise.normalise_extracted`)
    and turns whatever a parser raises into a concise ``ExtractionError``.
    ``MemoryError`` is let through so the sandbox can report the memory limit.
    """
    extractor = extractor_for(path)
    if extractor is None:
        raise ExtractionError(f"no text extractor for {path.suffix.lower()} files")
    # A FIFO or a device (swapped in since the scan) would block or never end.
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
    if size > limits.max_file_bytes:
        raise ExtractionError(f"larger than {limits.max_file_bytes / 2**20:g} MB")
    try:
        return normalise_extracted(extractor(path, limits))
    except (ExtractionError, MemoryError):
        raise
    except OSError as err:
        raise ExtractionError(_os_reason(err)) from err
    except Exception as err:  # a parser bug on odd input must not stop the indexer
        raise ExtractionError(concise_reason(err)) from err


def concise_reason(err: BaseException) -> str:
    """``"TypeName: message"`` on one line, cut to about 200 characters."""
    message = " ".join(str(err).split())
    reason = f"{type(err).__name__}: {message}" if message else type(err).__name__
    return reason if len(reason) <= _MAX_REASON else reason[: _MAX_REASON - 1] + "…"


def _os_reason(err: OSError) -> str:
    return f"cannot read file: {err.strerror or concise_reason(err)}"
