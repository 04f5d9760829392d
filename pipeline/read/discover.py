"""Find the source files named by the user and identify each by its content hash.

Kept free of heavy imports: a run with nothing to do must decide that in well under a
second, so discovery only walks folders and hashes bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from pipeline.errors import Errors
from pipeline.schema import Failure, SourceFile

SUPPORTED_SUFFIXES = (".txt", ".pdf")


@dataclass
class Discovery:
    sources: list[SourceFile] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def iter_candidate_files(inputs: Iterable[str | Path]) -> Iterable[tuple[Path, str | None]]:
    """Yield (path, problem) for every file named or found under a named folder.

    Hidden files and folders (".name") and files starting with "_" are not candidates:
    they are editor, OS or caselit bookkeeping files. Every other file is, so a report
    dropped in with an unsupported format is reported, not silently ignored.
    """
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if any(part.startswith(".") for part in relative) or child.name.startswith("_"):
                    continue
                if child.is_file():
                    yield child, None
        elif path.is_file():
            yield path, None
        else:
            yield path, Errors.E005


def discover(inputs: Iterable[str | Path]) -> Discovery:
    """Files and folders -> one SourceFile per supported file, and a Failure per problem.

    Document ids are file stems; a second file with a stem already taken is a failure
    (its record would overwrite the first one's).
    """
    found = Discovery()
    taken: dict[str, str] = {}
    for path, problem in iter_candidate_files(inputs):
        doc_id = path.stem
        if problem is None and path.suffix.lower() not in SUPPORTED_SUFFIXES:
            problem = Errors.E004.format(
                suffix=path.suffix or "(none)", allowed=", ".join(SUPPORTED_SUFFIXES)
            )
        if problem is None and doc_id in taken and taken[doc_id] != str(path):
            problem = Errors.E006.format(doc_id=doc_id, other=taken[doc_id])
        if problem is not None:
            found.failures.append(
                Failure(path=str(path), doc_id=doc_id, stage="discover", reason=problem,
                        error="ValueError", at=now_iso())
            )
            continue
        if doc_id in taken:  # the same file named twice
            continue
        taken[doc_id] = str(path)
        found.sources.append(
            SourceFile(path=str(path), doc_id=doc_id, sha256=file_sha256(path),
                       size=path.stat().st_size)
        )
    return found
