"""A reviewed document written as a gold file in the guidelines' form.

The file is validated by the gold loader before it takes the place of any earlier one
(written beside it, loaded, then renamed), so the gold folder never holds a file that
``caselit diff`` would refuse.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from pipeline.atomic import atomic_path
from pipeline.errors import GoldFileError
from pipeline.evaluate.gold import load_gold
from pipeline.review.store import Entry
from pipeline.review.values import review_values, to_gold
from pipeline.schema import Annotations, Extraction


def gold_dict(gold: Annotations) -> dict:
    """The guidelines' file form: what is stated, nothing empty or at its default (no
    evidence, no ``unresolved: false``); the gold loader fills the rest back in."""
    return gold.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def promote(extraction: Extraction, latest: dict[str, Entry], gold_dir: str | Path
            ) -> tuple[Path, int]:
    """Write the reviewed document as ``<gold_dir>/<doc id>.yaml``; the path and how many
    values had no decision. ValueError saying why when a decision makes it invalid."""
    decisions = {key: entry.decision() for key, entry in latest.items()}
    try:
        gold = to_gold(extraction, decisions)
    except (ValueError, ValidationError) as error:
        raise ValueError(str(error).splitlines()[0]) from None
    target = Path(gold_dir) / f"{extraction.document.id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(gold_dict(gold), sort_keys=False, allow_unicode=True)
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
        try:
            load_gold(temporary)
        except GoldFileError as error:
            raise ValueError(str(error)) from None
    undecided = sum(value.key not in latest for value in review_values(extraction))
    return target, undecided
