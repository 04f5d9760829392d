"""The app of the run's own Prefect API server: Prefect's, built with the garbage
collector held off, and with the routers a run calls first in its list.

The server's start is imports and building the app (routes, schemas, ORM models): some
400,000 objects, nearly all kept, over which the collector ran again and again, 0.5-0.9 s
of the start's 3-4 s of CPU. Once made, they live as long as the server and are frozen
(left out of later collections), without a collection first: one over all of them took
0.3-0.5 s, and the garbage it would free (some 7,000 objects, 10 MB) made no difference
to the process's RSS (172 MiB either way). The collector is on while the server answers.

FastAPI builds an included router's routes (their parameters' and bodies' validators) the
first time a request is matched against that router, and matches a request against the
routers in the order they were included. Prefect includes ``/admin`` next to last, so a
run's first request (``/admin/version``, which every client sends) built all 190 routes,
0.3-0.4 s of CPU between the server answering and the flow starting. A run calls nine
routers (:data:`RUN_ROUTERS`); with them first, the others are built only if a request
ever reaches them. A router is moved only when no other router has a path that can share
its first segment, so every request reaches the route it reached in Prefect's order.

The ephemeral app's task queue (docket, in memory) is worked by a worker that looks for
due tasks and waits for new ones in rounds of 0.25 s (docket's defaults, which Prefect
does not set), the whole run long: a quarter of an idle API's CPU. What a run's API queues
there is housekeeping (the proactive triggers' evaluation every 5 s, the events' vacuum
every hour, the clean-up after a cancellation), so the run's worker looks every
:data:`EPHEMERAL_DOCKET_ROUND` instead: a queued task starts up to a second later.

Docket keeps its results with py-key-value, whose package installs beartype's import hook
over itself as it is imported: each of its modules' source is parsed, every function and
class given a beartype decorator, and compiled again, at every import (no bytecode cache).
With its type checks off, as a run sets them (``NO_RUNTIME_TYPE_CHECKS``), those decorators
return what they are given (marked ``__no_type_check__``), so the package is imported
without the hook (:func:`import_key_value_unhooked`): 0.2-0.3 s less CPU for the API's
start at load 10, the same functions and classes.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from typing import Sequence

from flows.settings import NO_RUNTIME_TYPE_CHECKS
from pipeline.collector import collector_spared


def type_checks_off() -> bool:
    """Whether py-key-value's runtime type checks are off, read as it reads them."""
    name, _ = NO_RUNTIME_TYPE_CHECKS
    return os.environ.get(name, "false").lower() in ("true", "1", "yes")


def import_key_value_unhooked() -> None:
    """py-key-value imported without beartype's import hook when its checks are off (see
    the module docstring); with them on, or imported already, as it is."""
    if not type_checks_off() or "key_value.aio" in sys.modules:
        return
    import beartype.claw

    hook = beartype.claw.beartype_this_package
    beartype.claw.beartype_this_package = lambda **conf: None
    try:
        import key_value.aio  # noqa: F401
    finally:
        beartype.claw.beartype_this_package = hook


with collector_spared():
    import_key_value_unhooked()
    import docket
    from prefect.server.api import background_workers
    from prefect.server.api import server as prefect_server

# The prefixes of the routers a run's requests reach (the client's version and CSRF
# checks, the flow and its run, the events socket, artifacts, logs, task runs), in the
# order of a run's first requests.
RUN_ROUTERS = ("/admin", "/csrf-token", "/flows", "/flow_runs", "/events", "/artifacts",
               "/logs", "/task_runs", "/flow_run_states", "/task_run_states")


def first_segments(router) -> set[str]:
    """The first segments of the router's paths (``/flow_runs/{id}`` -> ``flow_runs``)."""
    return {route.path.lstrip("/").split("/", 1)[0] for route in router.routes}


def order_independent(router, routers: Sequence) -> bool:
    """Whether no other router has a path that could share a first segment with one of
    the router's: its paths begin with literal segments no other router's paths begin
    with, and no other router's path begins with a parameter."""
    own = first_segments(router)
    if any("{" in segment for segment in own):
        return False
    others = set().union(*(first_segments(other) for other in routers if other is not router))
    return not own & others and not any("{" in segment for segment in others)


def run_routers_first(routers: Sequence) -> tuple:
    """``routers`` with those of :data:`RUN_ROUTERS` that can move first, in that order,
    the rest in their own order."""
    by_prefix = {router.prefix: router for router in routers}
    first = [by_prefix[prefix] for prefix in RUN_ROUTERS
             if prefix in by_prefix and order_independent(by_prefix[prefix], routers)]
    return (*first, *(router for router in routers if router not in first))


# How often the ephemeral API's docket worker looks for due and new tasks (docket: 0.25 s).
EPHEMERAL_DOCKET_ROUND = timedelta(seconds=1)


class EphemeralDocketWorker(docket.Worker):
    """Docket's worker, looking for work every :data:`EPHEMERAL_DOCKET_ROUND`."""

    def __init__(self, *args, **options):
        options.setdefault("minimum_check_interval", EPHEMERAL_DOCKET_ROUND)
        options.setdefault("scheduling_resolution", EPHEMERAL_DOCKET_ROUND)
        super().__init__(*args, **options)


def create_app(ephemeral: bool = False):
    """Prefect's app with :data:`RUN_ROUTERS` first (also uvicorn's app factory,
    ``--factory flows.server_app:create_app``). ``ephemeral``: without Prefect's UI, with
    the services of its ephemeral server only and docket's worker in slower rounds."""
    with collector_spared():
        prefect_server.API_ROUTERS = run_routers_first(prefect_server.API_ROUTERS)
        if ephemeral:  # the worker Prefect's app starts, which it names in this module
            background_workers.Worker = EphemeralDocketWorker
        return prefect_server.create_app(ephemeral=ephemeral, ignore_cache=True)
