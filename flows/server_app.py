"""The app of the run's own Prefect API server: Prefect's, built with the garbage
collector held off.

The server's start is imports and building the app (routes, schemas, ORM models): some
300,000 objects, nearly all kept, over which the collector ran again and again, 0.5-0.9 s
of the start's 3-4 s of CPU. Prefect collects once itself when the app is built (its
``final`` option); what is alive then lives as long as the server, and is frozen (left out
of later collections). The collector is on again while the server answers.
"""

from __future__ import annotations

import gc

gc.disable()
from prefect.server.api.server import create_app as prefect_app  # noqa: E402


def create_app():
    """uvicorn's app factory (``--factory flows.server_app:create_app``)."""
    try:
        app = prefect_app()
        gc.freeze()
        return app
    finally:
        gc.enable()
