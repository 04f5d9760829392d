"""Prefect flows: orchestration only; the work is done by :mod:`pipeline`."""

from flows.settings import configure_prefect

configure_prefect()
