"""Train a spaCy NER model here, from the annotated corpora in the data folder.

No pretrained scispaCy model can be downloaded on an offline machine; this trains one
from what is at hand, for ``CASELIT_NER_MODELS`` (see :mod:`pipeline.tag.model_mentions`).
One model per entity type, because each corpus annotates only some types: BC5CDR marks
chemicals but not genes, so training genes on it would teach that genes are no entities.

The test parts are never trained on, so ``benchmarks/corpora.py`` can measure on them:
BioRED ``Test``, BC5CDR ``TestSet`` and the last 100 tmVar3 documents, nor is any copy of
a test abstract in another corpus's training part.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.cli.init_config import init_config
from spacy.tokens import DocBin
from spacy.util import filter_spans

from pipeline.errors import Errors, ModelError
from pipeline.lexicons.corpora import BC5CDR, BIORED, TMVAR3, AnnotatedText, corpus

TMVAR_TEST_FROM = 400  # tmVar3 ids run 0-499 with no official split: the last 100 are test
TMVAR_TYPES = frozenset({"DNAMutation", "ProteinMutation", "SNP", "OtherMutation", "AcidChange",
                         "DNAAllele", "ProteinAllele"})


@dataclass(frozen=True)
class Source:
    files: tuple[str, ...]
    types: frozenset[str]  # annotation types that count as this entity
    tmvar_part: str = ""  # "train" | "test" for tmVar3's split by id

    def texts(self, data_dir: Path) -> Iterator[AnnotatedText]:
        for text in corpus(data_dir, list(self.files)):
            if self.tmvar_part:
                in_test = text.doc_id.isdigit() and int(text.doc_id) >= TMVAR_TEST_FROM
                if in_test != (self.tmvar_part == "test"):
                    continue
            yield text


@dataclass(frozen=True)
class EntityTask:
    label: str
    train: tuple[Source, ...]
    dev: tuple[Source, ...]
    test: tuple[Source, ...]


BIORED_TRAIN, BIORED_DEV, BIORED_TEST = ((f,) for f in BIORED)
BC5CDR_TRAIN, BC5CDR_DEV, BC5CDR_TEST = ((f,) for f in BC5CDR)
GENES = frozenset({"GeneOrGeneProduct"})
CHEMICALS = frozenset({"ChemicalEntity", "Chemical"})
VARIANTS = TMVAR_TYPES | {"SequenceVariant"}

TASKS = {
    "gene": EntityTask("GENE", train=(Source(BIORED_TRAIN, GENES),), dev=(Source(BIORED_DEV, GENES),),
                       test=(Source(BIORED_TEST, GENES),)),
    "chemical": EntityTask(
        "CHEMICAL", train=(Source(BC5CDR_TRAIN, CHEMICALS), Source(BIORED_TRAIN, CHEMICALS)),
        dev=(Source(BC5CDR_DEV, CHEMICALS),), test=(Source(BC5CDR_TEST, CHEMICALS),)),
    "variant": EntityTask(
        "VARIANT", train=(Source(tuple(TMVAR3), VARIANTS, "train"), Source(BIORED_TRAIN, VARIANTS)),
        dev=(Source(BIORED_DEV, VARIANTS),),
        test=(Source(tuple(TMVAR3), VARIANTS, "test"), Source(BIORED_TEST, VARIANTS))),
}


def title(text: AnnotatedText) -> str:
    return text.text.split("\n", 1)[0].strip().lower()


def held_out_titles(data_dir: Path) -> set[str]:
    """The titles of every task's test documents. The corpora share abstracts (53 of
    BC5CDR's test abstracts are in BioRED's training part), and tmVar3's ids are
    renumbered, so test documents are recognised by title, across corpora."""
    return {title(text) for task in TASKS.values() for source in task.test
            for text in source.texts(data_dir)}


def training_texts(task: EntityTask, part: str, data_dir: Path,
                   held_out: set[str]) -> Iterator[AnnotatedText]:
    """The documents of a task's ``train`` or ``dev`` part, without any test document."""
    for source in getattr(task, part):
        for text in source.texts(data_dir):
            if title(text) not in held_out:
                yield text


def tokenizer_nlp() -> spacy.language.Language:
    """spaCy's English tokenizer, which splits at hyphens: entities are often parts of
    hyphenated words ("lithium-induced", "EML4-ALK"), which caselit's tokenizer keeps whole,
    and a model can only mark whole tokens."""
    return spacy.blank("en")


def doc_bin(texts: Iterable[AnnotatedText], types: frozenset[str], label: str,
            limit: int = 0) -> tuple[DocBin, int]:
    """Texts with their entities of ``types`` as ``label`` (spans widened to whole tokens;
    overlapping ones keep the longest)."""
    nlp = tokenizer_nlp()
    bin_, count = DocBin(), 0
    for text in texts:
        if limit and count >= limit:
            break
        doc = nlp.make_doc(text.text)
        spans = [doc.char_span(a.start, a.end, label=label, alignment_mode="expand")
                 for a in text.annotations if a.type in types]
        doc.ents = filter_spans([span for span in spans if span is not None])
        bin_.add(doc)
        count += 1
    return bin_, count


def training_config(train: Path, dev: Path, max_epochs: int, max_steps: int):
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency")
    config["paths"]["train"], config["paths"]["dev"] = str(train), str(dev)
    config["training"]["max_epochs"] = max_epochs
    config["training"]["max_steps"] = max_steps
    config["training"]["patience"] = 1600  # steps without a better dev score before stopping
    return config


def train_model(entity: str, data_dir: Path, out: Path, *, epochs: int = 20, max_steps: int = 0,
                limit: int = 0) -> Path:
    """Train the ``entity`` model ("gene", "chemical" or "variant") into ``out``; returns
    the best model's folder (``out/model-best``). ``limit`` caps documents per part."""
    from spacy.cli.train import train

    task = TASKS[entity]
    held_out = held_out_titles(data_dir)
    with tempfile.TemporaryDirectory() as work:
        paths = {}
        for part in ("train", "dev"):
            types = frozenset().union(*(source.types for source in getattr(task, part)))
            bin_, count = doc_bin(training_texts(task, part, data_dir, held_out), types,
                                  task.label, limit)
            if count == 0:
                raise ModelError(Errors.E403.format(entity=entity, what=f"{part} documents",
                                                    path=data_dir))
            paths[part] = Path(work) / f"{part}.spacy"
            bin_.to_disk(paths[part])
        config_path = Path(work) / "config.cfg"
        training_config(paths["train"], paths["dev"], epochs, max_steps).to_disk(config_path)
        out.mkdir(parents=True, exist_ok=True)
        train(config_path, out, use_gpu=-1)
    return out / "model-best"
