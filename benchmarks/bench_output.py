"""Output size benchmark: where the bytes of an output folder go, against its input.

    python benchmarks/bench_output.py [--docs 10] [--seeds ../shared/seeds] [--pdfs ../shared/pdfs]
                                      [--pdf-every 10] [--fields]

Builds the corpus of ``bench_ingest.py`` (copies of the seed texts, one PDF in every
``--pdf-every`` documents; its pattern repeats every 10 documents, so 10 give the ratio
of 1,000), extracts each document in this process, writes its record and the tables as
a run does, and prints the bytes of the records, the document copies, each table's
Parquet dataset and CSV file, and their sum against the input's (issue 18: 17x, target
3x). ``--fields`` adds the bytes of each top-level field of the records as stored.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench_ingest import ROOT, folder_bytes, make_corpus

ISSUE_RATIO = "17x (361 MB per 1,000 documents; target <= 3x)"


def size_of(path: Path) -> int:
    return path.stat().st_size if path.is_file() else folder_bytes(path)


def field_sizes(records: list[Path]) -> dict[str, int]:
    """Bytes per top-level field of the records, serialised compactly."""
    totals: dict[str, int] = {}
    for path in records:
        for key, value in json.loads(path.read_bytes()).items():
            totals[key] = totals.get(key, 0) + len(json.dumps(value, separators=(",", ":")))
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "pdfs")
    parser.add_argument("--pdf-every", type=int, default=10)
    parser.add_argument("--fields", action="store_true", help="bytes per record field")
    options = parser.parse_args()

    from pipeline.extract import extract
    from pipeline.store import TABLES, folder_records, record_paths, update_tables, write_record
    from pipeline.store.tables import csv_path, dataset_path
    from pipeline.tag import tagger_fingerprint

    with tempfile.TemporaryDirectory(prefix="caselit-output-") as work:
        work = Path(work)
        corpus = make_corpus(options.seeds, options.pdfs if options.pdfs.is_dir() else None,
                             work / "corpus", options.docs, options.pdf_every)
        out = work / "extracted"
        fingerprint = tagger_fingerprint()
        for path in corpus:
            write_record(*extract(path, fingerprint), out)
        update_tables(out, folder_records(out))
        records = record_paths(out)
        parts = {"records": sum(map(size_of, records)),
                 "_documents": size_of(out / "_documents")}
        for name in TABLES:
            parts[f"{name}.parquet"] = size_of(dataset_path(out, name))
            parts[csv_path(out, name).name] = size_of(csv_path(out, name))
        input_bytes = sum(map(size_of, corpus))
        total = size_of(out)
        print(f"documents: {options.docs}; input {input_bytes / 1e6:.2f} MB, output "
              f"{total / 1e6:.2f} MB: {total / input_bytes:.2f}x the input "
              f"(issue 18: {ISSUE_RATIO})")
        for name, size in sorted(parts.items(), key=lambda item: -item[1]):
            print(f"  {name:<24} {size / 1e6:8.2f} MB  {100 * size / total:5.1f}%")
        rest = total - sum(parts.values())
        print(f"  {'other files':<24} {rest / 1e6:8.2f} MB  {100 * rest / total:5.1f}%")
        if options.fields:
            print("record fields (compact JSON):")
            for key, size in field_sizes(records).items():
                print(f"  {key:<24} {size / 1e6:8.2f} MB")


if __name__ == "__main__":
    main()
