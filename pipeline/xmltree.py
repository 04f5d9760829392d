"""Small helpers for lxml trees, by local name (any namespace): the literature readers
and the E-utilities answers (pipeline/read, pipeline/sources) both walk such trees."""

from __future__ import annotations

from lxml import etree


def local_name(element) -> str:
    """The tag without its namespace; "" for comments, processing instructions, entities."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def first(element, path: str):
    """The first element at ``path`` (local names joined by "/", any namespace), or None."""
    found = [element]
    for step in path.split("/"):
        found = [child for parent in found for child in parent
                 if isinstance(child.tag, str) and local_name(child) == step]
        if not found:
            return None
    return found[0]


def children(element, name: str) -> list:
    return [child for child in element if isinstance(child.tag, str) and local_name(child) == name]


def descendants(element, name: str) -> list:
    return [node for node in element.iter() if isinstance(node.tag, str)
            and local_name(node) == name]
