"""Per-document progress for whoever is watching (the CLI's progress bar).

Flow parameters must be plain data, so a display registers a listener here instead.
"""

from __future__ import annotations

from typing import Callable

from pipeline.schema import DocumentOutcome

Listener = Callable[[DocumentOutcome], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def report(outcome: DocumentOutcome) -> None:
    for listener in list(_listeners):
        listener(outcome)
