"""The run's API server app: Prefect's routers, those a run calls first, each request
reaching the route it reached in Prefect's order; its task queue's worker in slower
rounds."""

import os
import re
import subprocess
import sys
from datetime import timedelta

from fastapi import APIRouter
from starlette.routing import Match

from flows.server_app import (EPHEMERAL_DOCKET_ROUND, RUN_ROUTERS, EphemeralDocketWorker,
                              order_independent, run_routers_first)
from tests.conftest import ROOT


def prefect_routers() -> tuple:
    from prefect.server.api import server

    return server.API_ROUTERS


def sample_path(path: str) -> str:
    """The path with each parameter given a value (a UUID: it converts as any type)."""
    return re.sub(r"\{[^}]*\}", "6f1a2c3e-0b4d-4e5f-8a9b-0c1d2e3f4a5b", path)


def route_reached(routers, path: str, method: str):
    """The first route that fully matches the request, routers taken in order."""
    scope = {"type": "http", "path": path, "method": method, "root_path": ""}
    for router in routers:
        for route in router.routes:
            if route.matches(scope)[0] == Match.FULL:
                return route
    return None


def test_the_routers_a_run_calls_come_first_and_none_is_left_out():
    routers = prefect_routers()
    ordered = run_routers_first(routers)
    assert [router.prefix for router in ordered[:len(RUN_ROUTERS)]] == list(RUN_ROUTERS)
    assert sorted(map(id, ordered)) == sorted(map(id, routers))


def test_every_request_reaches_the_route_it_reached_in_prefects_order():
    routers = prefect_routers()
    ordered = run_routers_first(routers)
    requests = [(sample_path(route.path), method) for router in routers
                for route in router.routes for method in getattr(route, "methods", None) or ()]
    assert len(requests) > 150
    for path, method in requests:
        assert route_reached(ordered, path, method) is route_reached(routers, path, method), path


def test_a_router_that_could_share_a_path_with_another_stays_where_it_was():
    def router(prefix: str, *paths: str) -> APIRouter:
        made = APIRouter(prefix=prefix)
        for path in paths:
            made.add_api_route(path, lambda: None, methods=["GET"])
        return made

    automations = router("/automations", "/{id}")
    templates = router("", "/automations/templates/validate")
    flows = router("/flows", "/{id}")
    anything = router("", "/{page}")
    assert not order_independent(automations, [automations, templates, flows])
    assert order_independent(flows, [automations, templates, flows])
    assert not order_independent(flows, [flows, anything])  # "/{page}" takes /flows too
    moved = run_routers_first((templates, anything, flows))
    assert moved == (templates, anything, flows)


def test_the_ephemeral_apps_docket_worker_looks_for_work_every_second():
    from docket import Docket, Worker
    from prefect.server.api import background_workers

    from flows.server_app import create_app

    create_app(ephemeral=True)
    assert background_workers.Worker is EphemeralDocketWorker
    worker = background_workers.Worker(Docket(name="caselit-test", url="memory://"))
    assert EPHEMERAL_DOCKET_ROUND == timedelta(seconds=1)
    assert worker.minimum_check_interval == worker.scheduling_resolution == EPHEMERAL_DOCKET_ROUND
    assert isinstance(worker, Worker)


def test_docket_s_key_value_store_is_imported_without_beartypes_hook_only_with_checks_off():
    """py-key-value's import hook rewrites its modules to decorate them with checks that,
    turned off, do nothing: a run (checks off) imports the package without it; with the
    checks on, it is imported as py-key-value asks, hook and all."""
    script = """
import sys
import flows.server_app  # noqa: F401
print(sorted({type(module.__loader__).__name__ for name, module in sys.modules.items()
              if name.startswith("key_value.aio.")}))
"""
    loaders = {}
    for checks_off in ("true", "false"):
        environment = {**os.environ, "PY_KEY_VALUE_DISABLE_BEARTYPE": checks_off}
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        loaders[checks_off] = done.stdout.strip()
    assert loaders == {"true": "['SourceFileLoader']", "false": "['BeartypeSourceFileLoader']"}
