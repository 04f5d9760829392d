"""Annotated corpora from the data folder (PubTator format), for benchmarks and for the
word statistics the taggers use.

PubTator documents are a title line (``id|t|...``), an abstract line (``id|a|...``) and
one line per annotation (``id<TAB>start<TAB>end<TAB>text<TAB>type<TAB>...``), offsets into
the title and abstract joined by one character.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline.lexicons.cache import require

BIORED = [f"corpora/biored/{split}.PubTator.gz" for split in ("Train", "Dev", "Test")]
BC5CDR = [f"corpora/bc5cdr/CDR_{split}.PubTator.txt.gz"
          for split in ("TrainingSet", "DevelopmentSet", "TestSet")]
TMVAR3 = ["corpora/tmvar3/tmvar_v3.txt.gz"]


@dataclass
class Annotation:
    start: int
    end: int
    text: str
    type: str


@dataclass
class AnnotatedText:
    doc_id: str
    text: str
    annotations: list[Annotation] = field(default_factory=list)


def read_pubtator(path: Path) -> Iterator[AnnotatedText]:
    opener = gzip.open if path.suffix == ".gz" else open
    current: AnnotatedText | None = None
    title = ""
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                continue
            if "|t|" in line[:40] and line.split("|", 2)[1] == "t":
                if current is not None:
                    yield current
                doc_id, _, title = line.split("|", 2)
                current = AnnotatedText(doc_id, title)
            elif "|a|" in line[:40] and line.split("|", 2)[1] == "a" and current is not None:
                current.text = title + "\n" + line.split("|", 2)[2]
            elif current is not None:
                parts = line.split("\t")
                if len(parts) >= 5 and parts[1].isdigit():
                    current.annotations.append(
                        Annotation(int(parts[1]), int(parts[2]), parts[3], parts[4]))
    if current is not None:
        yield current


def corpus(data_dir: Path, files: list[str]) -> Iterator[AnnotatedText]:
    for name in files:
        yield from read_pubtator(require(data_dir / name, f"corpus {name}"))
