"""Front matter: the title and the author affiliations printed before the body starts."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.resources import check_keys, check_str_list, check_type, load_resource

FILE = "frontmatter.yaml"
# Where the front matter ends: the title and affiliations are printed before these.
BODY_KINDS = frozenset({"abstract", "keywords", "introduction", "discussion", "conclusion",
                        "results"})
AUTHOR_MARKS = re.compile(r"\^\{|[¹²³⁴⁵⁶⁷⁸⁹⁰]|\w\d,|\*,|@")
MAX_TITLE_CHARS = 300


@lru_cache(maxsize=1)
def affiliation_rules() -> tuple[frozenset[str], int]:
    data = check_keys(load_resource(FILE), file=FILE, where="top level",
                      required=["institution_words", "min_address_commas"])
    words = check_str_list(data["institution_words"], file=FILE, where="top level",
                           key="institution_words")
    commas = check_type(data["min_address_commas"], int, file=FILE, where="top level",
                        key="min_address_commas", description="an integer")
    return frozenset(word.lower() for word in words), commas


def is_affiliation(line: str) -> bool:
    """'1. Leukemia Service, Department of Medicine, ... Cancer Center, New York, NY, USA'."""
    words, commas = affiliation_rules()
    text = line.strip()
    return (len(text) <= 600 and text.count(",") >= commas
            and bool(words & set(re.findall(r"[a-zà-ÿ]+", text.lower()))))


def is_title_like(line: str, headings) -> bool:
    """A line that can be a title: a few capitalised words, no full stop, no author marks,
    no heading or statement label (``headings`` tells those)."""
    text = line.strip().strip("*_")
    words = text.split()
    return (
        3 <= len(words) <= 40
        and len(text) <= MAX_TITLE_CHARS
        and text[0].isupper()
        and not text.endswith((".", ":", ";", ","))
        and not text.lower().startswith("by ")
        and text.count(",") < 3
        and not AUTHOR_MARKS.search(text)
        and not headings(text)
        and not is_affiliation(text)
    )
