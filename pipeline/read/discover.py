"""Find the source files named by the user and identify each by its content hash.

Kept free of heavy imports: a run with nothing to do must decide that in well under a
second, so discovery only walks folders and hashes bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.errors import Errors, NotLiteratureError
from pipeline.schema import Failure, IgnoredFile, SourceFile, now_iso

# Text renderings, PDFs, and literature files: JATS, MEDLINE and BioC XML, BioC JSON.
SUPPORTED_SUFFIXES = (".txt", ".pdf", ".xml", ".json")
LITERATURE_SUFFIXES = (".xml", ".json")


@dataclass
class Discovery:
    sources: list[SourceFile] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    ignored: list[IgnoredFile] = field(default_factory=list)


def discovery_failure(path: str, doc_id: str, reason: str) -> Failure:
    """A file that is no usable input of this run, and why."""
    return Failure(path=path, doc_id=doc_id, stage="discover", reason=reason, error="ValueError",
                   at=now_iso())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """(path, None) for every file under ``folder``, in name order, symbolic links
    followed; (link, reason) for a link back to a folder it is in (a loop, not followed).

    Hidden files and folders (".name") and files starting with "_" are passed over in
    silence: they are editor, OS or caselit bookkeeping files.
    """
    def visit(directory: Path, ancestors: frozenset) -> Iterator[tuple[Path, str | None]]:
        for child in sorted(directory.iterdir()):
            if child.name.startswith("."):
                continue
            if child.is_dir():
                status = child.stat()
                key = (status.st_dev, status.st_ino)
                if key in ancestors:
                    yield child, Errors.E016.format(target=child.resolve())
                else:
                    yield from visit(child, ancestors | {key})
            elif child.is_file() and not child.name.startswith("_"):
                yield child, None

    status = folder.stat()
    yield from visit(folder, frozenset({(status.st_dev, status.st_ino)}))


def unsupported(path: Path) -> str | None:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return None
    return Errors.E004.format(suffix=path.suffix or "(none)", allowed=", ".join(SUPPORTED_SUFFIXES))


def sources_of(path: Path) -> list[SourceFile]:
    """The documents a file holds: one named by its stem, or for a literature file of
    several articles (MEDLINE, BioC) one per article, named by the article's id. A
    literature file that cannot be parsed is one document, for the reader to refuse with
    its reason; NotLiteratureError for a well-formed file of another kind."""
    sha256, size = file_sha256(path), path.stat().st_size
    members: list[str] | None = None
    if path.suffix.lower() in LITERATURE_SUFFIXES:
        from pipeline.errors import BadInputError
        from pipeline.read.literature import members as literature_members

        try:
            members = literature_members(path)
        except NotLiteratureError:
            raise
        except (BadInputError, OSError):
            members = None
    if members is None:
        return [SourceFile(path=str(path), doc_id=path.stem, sha256=sha256, size=size)]
    return [SourceFile(path=str(path), doc_id=member, sha256=sha256, size=size, member=member)
            for member in members]


def discover(inputs: Iterable[str | Path]) -> Discovery:
    """Files and folders -> one SourceFile per report, a Failure per problem, and what
    the folders hold besides reports (IgnoredFile: another file type, a symlink loop).

    A file named on its own that is no report is a failure: it was asked for. Document
    ids are file stems; a second file with a stem already taken is a failure (its record
    would overwrite the first one's).
    """
    found = Discovery()
    taken: dict[str, str] = {}

    def fail(path: Path, problem: str) -> None:
        found.failures.append(discovery_failure(str(path), path.stem, problem))

    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            candidates = list(walk(path))
        elif path.is_file():
            problem = unsupported(path)
            if problem:
                fail(path, problem)
                continue
            candidates = [(path, None)]
        else:
            fail(path, Errors.E005)
            continue
        for candidate, loop in candidates:
            problem = loop or unsupported(candidate)
            if problem:
                found.ignored.append(IgnoredFile(path=str(candidate), reason=problem))
                continue
            try:
                sources = sources_of(candidate)
            except NotLiteratureError as error:
                if path.is_dir():
                    found.ignored.append(IgnoredFile(path=str(candidate), reason=error.reason))
                else:
                    fail(candidate, error.reason)
                continue
            for source in sources:
                doc_id = source.doc_id
                if doc_id in taken:
                    if taken[doc_id] != str(candidate):
                        found.failures.append(discovery_failure(
                            str(candidate), doc_id,
                            Errors.E006.format(doc_id=doc_id, other=taken[doc_id])))
                    continue  # the same file named twice
                taken[doc_id] = str(candidate)
                found.sources.append(source)
    return found
