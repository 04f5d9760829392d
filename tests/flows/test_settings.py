"""The run's own Prefect API (no API named): started, used, and stopped with the run."""

import pytest

from flows.settings import ApiServer, healthy, shared_api

pytestmark = pytest.mark.flow


def test_the_runs_own_api_answers_within_and_is_gone_after_it(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    server = ApiServer()
    with temporary_settings(restore_defaults={PREFECT_API_URL}), shared_api(server):
        api_url = PREFECT_API_URL.value()
        assert api_url == server.api_url and healthy(api_url)
        # a server that ends with the run has no use for a flow run's heartbeats
        assert get_current_settings().flows.heartbeat_frequency is None
    assert server.process is None and not healthy(api_url)
    assert get_current_settings().flows.heartbeat_frequency is not None
