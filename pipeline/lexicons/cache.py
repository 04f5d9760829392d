"""Compiled lexicons cached as JSON, keyed by the hashes of the files they come from.

Building a lexicon from the raw vocabularies takes seconds; loading its JSON takes a
tenth of that. A changed source file changes the key, so a stale cache is never read.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pipeline.atomic import atomic_write_text
from pipeline.errors import Errors

# Bump when a builder's output format or logic changes.
BUILDERS_VERSION = "7"


@lru_cache(maxsize=None)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_digest(paths: list[Path]) -> str:
    """Hash of the named source files' contents (memoised per size and mtime)."""
    digest = hashlib.sha256(BUILDERS_VERSION.encode())
    for path in paths:
        stat = path.stat()
        digest.update(path.name.encode())
        digest.update(_sha256(path, stat.st_size, stat.st_mtime_ns).encode())
    return digest.hexdigest()[:16]


def require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(Errors.E101.format(what=what, path=path))
    return path


def cached_build(name: str, sources: list[Path], cache_dir: Path,
                 build: Callable[[], dict]) -> dict:
    """Load ``<cache_dir>/<name>-<digest>.json`` or build it, write it atomically, return it."""
    target = cache_dir / f"{name}-{source_digest(sources)}.json"
    if target.is_file():
        try:
            return json.loads(target.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            pass  # a damaged cache is rebuilt below
    data = build()
    try:
        atomic_write_text(target, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass  # a read-only cache folder costs speed, not correctness
    return data
