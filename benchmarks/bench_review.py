"""Review page benchmark: time per decision, and the documents list of many documents.

    python benchmarks/bench_review.py [--seeds ../shared/seeds] [--gold ../shared/gold]
                                      [--docs 300,1000] [--decisions 20]

Serves the app with uvicorn on 127.0.0.1 and asks it over HTTP, as a browser would.

- Decisions: the first seed's extraction; ``--decisions`` values accepted one after
  another, each a POST answered with its row (what the page's script sends); prints the
  median and the slowest, in ms.
- Documents list: N records (copies of the seeds' extractions under new ids, each with a
  copy of its seed's gold file) made in a temporary folder (nothing is copied into the
  project). Prints for each N the first visit (the page answers while the lines are
  computed in the background), the time until every line is computed, the second visit,
  and a first visit after a restart (the lines kept in the decisions file).
"""

from __future__ import annotations

import argparse
import html
import re
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]


class Served:
    """The review app under uvicorn in a thread, with a logged-in client."""

    def __init__(self, extracted: Path, gold: Path):
        from pipeline.review import ReviewConfig, create_app

        self.app = create_app(ReviewConfig(extracted=extracted, gold=gold,
                                           store=extracted / "review.sqlite"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        self.client = httpx.Client(base_url=self.base, headers={"Origin": self.base},
                                   timeout=120)
        self.client.post("/login", data={"reviewer": "bench", "next": "/"})

    def timed_get(self, path: str) -> tuple[float, str]:
        started = time.perf_counter()
        answer = self.client.get(path)
        answer.raise_for_status()
        return (time.perf_counter() - started) * 1000, answer.text

    def stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(10)


def extract_seeds(seeds: Path, folder: Path) -> list[tuple]:
    from pipeline.extract import extract

    return [extract(path) for path in sorted(seeds.glob("*.txt"))]


def bench_decisions(extracted: list[tuple], folder: Path, count: int) -> None:
    from pipeline.store import write_record

    document, extraction = extracted[0]
    write_record(document, extraction, folder)
    served = Served(folder, folder.parent / "gold-none")
    doc_id = document.id
    page = served.client.get(f"/doc/{doc_id}").text
    csrf = re.search(r'<meta name="csrf" content="([^"]+)">', page).group(1)
    keys = [html.unescape(key) for key in re.findall(r'data-key="([^"]+)"', page)][:count]
    times = []
    for key in keys:
        started = time.perf_counter()
        answer = served.client.post(
            f"/doc/{doc_id}/decide", data={"key": key, "action": "accept"},
            headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
        answer.raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    page_ms, _ = served.timed_get(f"/doc/{doc_id}")
    served.stop()
    print(f"decisions on {doc_id} ({len(keys)} values accepted): median "
          f"{statistics.median(times):.1f} ms, slowest {max(times):.1f} ms; "
          f"the document page {page_ms:.0f} ms")


def make_records(extracted: list[tuple], gold_dir: Path, folder: Path, count: int) -> None:
    from pipeline.store import write_record

    folder.mkdir(parents=True)
    gold = folder.parent / "gold"
    gold.mkdir()
    for number in range(count):
        document, extraction = extracted[number % len(extracted)]
        doc_id = f"doc-{number:05d}"
        info = extraction.document.model_copy(update={"id": doc_id})
        write_record(document.model_copy(update={"id": doc_id}),
                     extraction.model_copy(update={"document": info}), folder)
        seed_gold = gold_dir / f"{document.id}.yaml"
        if seed_gold.is_file():
            text = seed_gold.read_text(encoding="utf-8").replace(document.id, doc_id)
            (gold / f"{doc_id}.yaml").write_text(text, encoding="utf-8")


def bench_list(extracted: list[tuple], gold_dir: Path, folder: Path, count: int) -> None:
    records = folder / "extracted"
    make_records(extracted, gold_dir, records, count)
    served = Served(records, folder / "gold")
    first_ms, first = served.timed_get("/")
    started = time.perf_counter()
    served.app.state.review.listing.settle()
    computed_s = time.perf_counter() - started + first_ms / 1000
    second_ms, second = served.timed_get("/")
    assert 'id="computing"' in first and 'id="computing"' not in second
    served.stop()
    restarted = Served(records, folder / "gold")
    restart_ms, again = restarted.timed_get("/")
    assert 'id="computing"' not in again
    restarted.stop()
    print(f"documents list, {count} documents with gold: first visit {first_ms:.0f} ms "
          f"(every line computed after {computed_s:.1f} s), second visit {second_ms:.0f} ms, "
          f"first visit after a restart {restart_ms:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--docs", default="300,1000")
    parser.add_argument("--decisions", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_review_") as scratch:
        scratch = Path(scratch)
        extracted = extract_seeds(args.seeds, scratch)
        bench_decisions(extracted, scratch / "decisions" / "extracted", args.decisions)
        for count in map(int, args.docs.split(",")):
            bench_list(extracted, args.gold, scratch / f"list-{count}", count)


if __name__ == "__main__":
    main()
