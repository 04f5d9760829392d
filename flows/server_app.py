"""The app of the run's own Prefect API server: Prefect's, built with the garbage
collector held off.

The server's start is imports and building the app (routes, schemas, ORM models): some
400,000 objects, nearly all kept, over which the collector ran again and again, 0.5-0.9 s
of the start's 3-4 s of CPU. Once made, they live as long as the server and are frozen
(left out of later collections), without a collection first: one over all of them took
0.3-0.5 s, and the garbage it would free (some 7,000 objects, 10 MB) made no difference
to the process's RSS (172 MiB either way). The collector is on while the server answers.
"""

from __future__ import annotations

from flows.settings import collector_spared

with collector_spared():
    from prefect.server.api.server import create_app as prefect_app


def create_app():
    """uvicorn's app factory (``--factory flows.server_app:create_app``)."""
    with collector_spared():
        return prefect_app()
