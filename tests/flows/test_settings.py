"""The run's Prefect settings: its own API (no API named), started, used and stopped with
the run; a module imported when first used (Prefect's collections in a task runner's
worker process: prefect-dask, which brings Dask's distributed, is not needed there)."""

import io
import logging
import os
import subprocess
import sys
import threading

import pytest

from flows.settings import healthy, shared_api
from tests.conftest import ROOT

# what Prefect takes for a CI machine, where it sends nothing anyway
CI_VARIABLES = {"CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "TRAVIS", "CIRCLECI",
                "BUILDKITE", "TF_BUILD", "CODEBUILD_BUILD_ID", "BITBUCKET_COMMIT",
                "TEAMCITY_VERSION", "DRONE", "SEMAPHORE", "APPVEYOR", "BUDDY", "CI_NAME"}
PACKAGE = {
    "__init__.py": "import ran\nran.parts.append('package')\nVALUE = 42\n",
    "part.py": "import ran\nran.parts.append('part')\n",
}


def test_a_deferred_module_runs_when_an_attribute_is_first_asked_for(tmp_path, monkeypatch):
    from flows.settings import defer_import

    (tmp_path / "ran.py").write_text("parts = []\n")
    (tmp_path / "deferred_package").mkdir()
    for name, code in PACKAGE.items():
        (tmp_path / "deferred_package" / name).write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("ran", "deferred_package", "deferred_package.part"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import ran

    defer_import("deferred_package")
    import deferred_package
    import deferred_package.part  # a submodule: its package's code need not run

    assert ran.parts == ["part"]
    assert deferred_package.VALUE == 42 and ran.parts == ["part", "package"]
    from deferred_package import VALUE

    assert VALUE == 42 and ran.parts == ["part", "package"]  # it ran once


def test_prefect_collections_are_not_imported_when_prefect_looks_for_blocks():
    script = """
import sys
from flows.settings import defer_prefect_collections
defer_prefect_collections()
from prefect.plugins import load_prefect_collections
assert "prefect_dask" in load_prefect_collections()
assert "distributed" not in sys.modules
from prefect_dask import DaskTaskRunner
assert "distributed" in sys.modules and DaskTaskRunner.__name__ == "DaskTaskRunner"
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_prefects_notification_blocks_run_only_when_a_worker_asks_for_one():
    script = """
import sys
from flows.settings import defer_prefect_collections
defer_prefect_collections()
import prefect.task_engine
from prefect.blocks.core import Block
webhook = sys.modules["prefect.blocks.webhook"]
assert "Webhook" not in vars(webhook) and "SlackWebhook" not in vars(sys.modules["prefect.blocks.notifications"])
assert webhook.Webhook.__name__ == "Webhook"
assert Block.get_block_class_from_key("webhook") is webhook.Webhook
from prefect.blocks.notifications import SlackWebhook
assert Block.get_block_class_from_key("slack-webhook") is SlackWebhook
"""
    done = subprocess.run([sys.executable, "-W", "error", "-c", script], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.flow
def test_the_runs_own_api_answers_within_and_is_gone_after_it(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    threads = set(threading.enumerate())
    import flows.ingest  # noqa: F401 - Prefect's logging set up as in a run, by the flow

    # a named handler of the run's process (as Prefect's are), which a server configuring
    # logging its own way would close and forget
    probe = logging.StreamHandler(io.StringIO())
    probe.set_name("caselit-test-probe")
    monkeypatch.setattr(logging.getLogger("caselit-test-probe"), "handlers", [probe])
    with temporary_settings(restore_defaults={PREFECT_API_URL}), shared_api():
        api_url = PREFECT_API_URL.value()
        assert healthy(api_url) and os.environ["PREFECT_API_URL"] == api_url
        # a server that ends with the run has no use for a flow run's heartbeats
        assert get_current_settings().flows.heartbeat_frequency is None
    assert not healthy(api_url) and "PREFECT_API_URL" not in os.environ
    assert get_current_settings().flows.heartbeat_frequency is not None
    assert not [thread for thread in set(threading.enumerate()) - threads
                if thread.name == "caselit-api-server"]
    assert logging._handlers.get("caselit-test-probe") is probe


def test_prefects_client_telemetry_is_off_once_flows_is_imported():
    """Prefect's client sends usage events from an interactive terminal unless told not
    to; a caselit process tells it. The same check without ``flows`` shows it on."""
    script = """
import sys
if sys.argv[1] == "flows":
    import flows  # noqa: F401
from prefect.analytics import is_telemetry_enabled
print(is_telemetry_enabled())
"""
    environment = {name: value for name, value in os.environ.items()
                   if name not in CI_VARIABLES and name != "DO_NOT_TRACK"}
    answers = [subprocess.run([sys.executable, "-c", script, first], cwd=ROOT, env=environment,
                              capture_output=True, text=True).stdout.strip()
               for first in ("flows", "prefect")]
    assert answers == ["False", "True"]
