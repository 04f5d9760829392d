"""Long documents through ``caselit run``: a 30 MB text and a 500-page PDF.

    python benchmarks/bench_long.py [--text-mb 30] [--pages 500] [--seeds ../shared/seeds]
                                    [--pdfs ../shared/pdfs] [--only text|pdf]

The text is the seed reports one after another up to the size; the PDF is the pages of
the journal-style PDFs one after another up to the page count (made in a temporary
folder, nothing copied into the project). Each is extracted alone by a fresh ``caselit
run`` process. Prints per document: the time, the peak RSS of the run's process tree
(the run, its Prefect API server and the document worker, summed, sampled every 0.2 s)
and of its largest process, what the record holds, and the skipped re-run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench_ingest import ROOT, timed_run


def make_text(seeds: Path, target: Path, megabytes: int) -> Path:
    texts = [path.read_text(encoding="utf-8") for path in sorted(seeds.glob("*.txt"))]
    parts, size = [], 0
    while size < megabytes * 2**20:
        text = texts[len(parts) % len(texts)]
        parts.append(text)
        size += len(text.encode("utf-8")) + 2
    target.write_text("\n\n".join(parts), encoding="utf-8")
    return target


def make_pdf(pdfs: Path, target: Path, pages: int) -> Path:
    import pypdfium2 as pdfium

    sources = [pdfium.PdfDocument(str(path)) for path in sorted(pdfs.glob("*.pdf"))]
    made = pdfium.PdfDocument.new()
    while len(made) < pages:
        source = sources[len(made) % len(sources)]
        made.import_pages(source, list(range(min(len(source), pages - len(made)))))
    made.save(str(target))
    return target


def record_summary(out: Path, doc_id: str) -> str:
    record = out / f"{doc_id}.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    counts = {name: len(data.get(name, [])) for name in ("mentions", "cases", "genes", "drugs")}
    copy = out / "_documents" / f"{doc_id}.json"
    return (f"{counts['mentions']:,} mentions, {counts['cases']:,} cases, "
            f"{counts['genes']} genes, {counts['drugs']} drugs; record "
            f"{record.stat().st_size / 2**20:,.0f} MB, document copy "
            f"{copy.stat().st_size / 2**20:,.0f} MB")


def measure(label: str, source: Path, work: Path) -> None:
    out = work / f"out-{source.stem}"
    args = [str(source), "--out", str(out), "--workers", "1"]
    seconds, tree, largest = timed_run(args)
    again, _, _ = timed_run(args)
    failures = json.loads((out / "_failures.json").read_text(encoding="utf-8"))
    result = f"failed: {failures[0]['reason']}" if failures else record_summary(out, source.stem)
    print(f"{label} ({source.stat().st_size / 2**20:.1f} MB file): {seconds:.0f} s, peak RSS "
          f"{tree:,.0f} MiB for the process tree (largest process {largest:,.0f} MiB); "
          f"skipped re-run {again:.2f} s; {result}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-mb", type=int, default=30)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "pdfs")
    parser.add_argument("--only", choices=("text", "pdf"))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caselit-long-") as work:
        work = Path(work)
        if options.only != "pdf":
            text = make_text(options.seeds, work / "long_text.txt", options.text_mb)
            measure(f"{options.text_mb} MB text", text, work)
        if options.only != "text":
            pdf = make_pdf(options.pdfs, work / "long_pdf.pdf", options.pages)
            measure(f"{options.pages}-page PDF", pdf, work)


if __name__ == "__main__":
    main()
