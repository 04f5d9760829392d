"""A small client for NCBI E-utilities (esearch, efetch): rate-limited, retried.

NCBI allows 3 requests a second, 10 with an API key; the client spaces its requests
accordingly (one client per command: a command is one process). A 429 (too many
requests), a 5xx answer or a connection error is tried again after a back-off that
doubles each time (``Retry-After`` when the server gives one), up to ``retries`` times;
then :class:`~pipeline.errors.FetchError` names the URL and the last reason. Only urllib:
a few GETs need no third-party HTTP library.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable

from pipeline.errors import Errors, FetchError
from pipeline.settings import NcbiSettings

RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
TOOL = "caselit"
TIMEOUT = 60.0
MAX_RETRY_AFTER = 60.0


class EUtils:
    def __init__(self, settings: NcbiSettings, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self.interval = 1.0 / settings.requests_per_second
        self.last: float | None = None
        self.requests = 0  # sent, retries included

    def url(self, tool: str, params: dict[str, str]) -> str:
        query = {**params, "tool": TOOL}
        if self.settings.email:
            query["email"] = self.settings.email
        if self.settings.api_key:
            query["api_key"] = self.settings.api_key
        return f"{self.settings.base_url}/{tool}?{urllib.parse.urlencode(query)}"

    def wait_turn(self) -> None:
        """Space requests by the rate limit."""
        if self.last is not None:
            waited = self.clock() - self.last
            if waited < self.interval:
                self.sleep(self.interval - waited)
        self.last = self.clock()

    def get(self, tool: str, params: dict[str, str]) -> bytes:
        url = self.url(tool, params)
        attempts = self.settings.retries + 1
        reason = ""
        for attempt in range(attempts):
            self.wait_turn()
            self.requests += 1
            delay = self.settings.backoff * 2 ** attempt
            try:
                request = urllib.request.Request(url, headers={"User-Agent": TOOL})
                with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                    return answer.read()
            except urllib.error.HTTPError as error:
                reason = f"HTTP {error.code} {error.reason}"
                if error.code not in RETRIED_STATUS:
                    raise FetchError(Errors.E510.format(url=url, reason=reason,
                                                        attempts=attempt + 1)) from None
                delay = retry_after(error.headers.get("Retry-After"), delay)
            except (OSError, http.client.HTTPException) as error:  # URLError, timeouts
                reason = f"{type(error).__name__}: {getattr(error, 'reason', error)}"
            if attempt + 1 < attempts:
                self.sleep(delay)
        raise FetchError(Errors.E510.format(url=url, reason=reason, attempts=attempts))

    def esearch(self, term: str, *, retmax: int, since: str | None = None) -> list[str]:
        """PMIDs matching ``term``, newest first; ``since`` (YYYY/MM/DD): entered since."""
        params = {"db": "pubmed", "term": term, "retmax": str(retmax), "retmode": "json",
                  "sort": "pub_date"}
        if since:
            params.update(mindate=since, maxdate="3000", datetype="edat")
        body = self.get("esearch.fcgi", params)
        try:
            found = json.loads(body)["esearchresult"]["idlist"]
        except (ValueError, KeyError, TypeError) as error:
            raise FetchError(Errors.E511.format(what=f"esearch for {term!r}",
                                                reason=f"no id list in the answer ({error})")) from None
        return [str(pmid) for pmid in found]

    def efetch(self, db: str, ids: list[str]) -> bytes:
        return self.get("efetch.fcgi", {"db": db, "id": ",".join(ids), "retmode": "xml"})


def retry_after(header: str | None, default: float) -> float:
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(header))) if header else default
    except ValueError:
        return default
