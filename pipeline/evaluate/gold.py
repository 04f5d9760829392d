"""Gold annotation files (YAML, ``../shared/gold/GUIDELINES.md``), validated on load."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from pipeline.errors import Errors, GoldFileError
from pipeline.schema import Annotations


def describe_errors(error: ValidationError) -> str:
    return "; ".join(
        f"at {'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
        for item in error.errors()
    )


def load_gold(path: str | Path) -> Annotations:
    """One gold file; ValueError naming the file and the place of the first problems."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise GoldFileError(Errors.E202.format(file=path, reason=error)) from None
    try:
        return Annotations.model_validate(data)
    except ValidationError as error:
        raise GoldFileError(Errors.E202.format(file=path, reason=describe_errors(error))) from None


def load_gold_dir(folder: str | Path) -> dict[str, Annotations]:
    """Every ``*.yaml`` in a folder, keyed by document id."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(Errors.E203.format(folder=folder, what="gold"))
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise FileNotFoundError(Errors.E204.format(folder=folder))
    return {gold.document.id: gold for gold in map(load_gold, paths)}
