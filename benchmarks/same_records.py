"""Whether two versions of caselit extract the same records: a check for speed work.

    PYTHONPATH=/tmp/base18 python benchmarks/same_records.py write /tmp/records-base
    python benchmarks/same_records.py write /tmp/records-new
    python benchmarks/same_records.py compare /tmp/records-base /tmp/records-new

``write`` extracts, with the version of ``pipeline`` that Python imports, the seed texts,
the journal-style PDFs, the development reports and ``--abstracts`` abstracts of each
public corpus (BioRED, BC5CDR, tmVar3; a corpus abstract is read as clean text, as
``benchmarks/corpora.py`` reads it), and writes one JSON record per document, with the
document's reading (text, pages, sections, source map) beside it. ``compare`` reports
every document whose record or reading differs, field by field, and exits 1 if any
does. Only the time of extraction and the tagger fingerprint (which hashes the pipeline
version) are left out of the comparison.

Too slow for the test suite (about 40 s for its 2,100 abstracts); run it before merging
a change meant to leave every extraction as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
VOLATILE = {"extracted_at", "fingerprint"}


def sources(abstracts: int):
    """(name, Document) for every document of the check, in a fixed order."""
    from pipeline.lexicons.corpora import BC5CDR, BIORED, TMVAR3, corpus
    from pipeline.read import read_document, text_document
    from pipeline.settings import get_settings

    for folder, pattern in ((SHARED / "seeds", "*.txt"), (SHARED / "pdfs", "*.pdf"),
                            (SHARED / "dev" / "raw", "*.txt")):
        for path in sorted(folder.glob(pattern)):
            yield f"{folder.name}-{path.name}", read_document(path)
    data_dir = get_settings().data_dir
    for name, files in (("biored", BIORED), ("bc5cdr", BC5CDR), ("tmvar3", TMVAR3)):
        for number, text in enumerate(corpus(data_dir, list(files))):
            if number >= abstracts:
                break
            yield f"{name}-{number:04d}-{text.doc_id}", text_document(text.text, text.doc_id)


def without_volatile(value):
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def write(folder: Path, abstracts: int) -> None:
    from pipeline.extract import extract_read

    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, document in sources(abstracts):
        record = json.loads(extract_read(document, "check").model_dump_json())
        reading = json.loads(document.model_dump_json())
        (folder / f"{name}.json").write_text(json.dumps(
            {"record": without_volatile(record), "reading": reading}, sort_keys=True, indent=1))
        count += 1
    print(f"{count} records written to {folder}")


def differences(old, new, where: str = "") -> list[str]:
    """Paths (with both values, shortened) where two JSON values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [d for key in sorted(old.keys() | new.keys())
                for d in differences(old.get(key), new.get(key), f"{where}.{key}")]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new))
                for d in differences(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where}: {str(old)[:120]!r} -> {str(new)[:120]!r}"]


def compare(old_folder: Path, new_folder: Path) -> int:
    old_names = {p.name for p in old_folder.glob("*.json")}
    new_names = {p.name for p in new_folder.glob("*.json")}
    changed = 0
    for name in sorted(old_names ^ new_names):
        print(f"{name}: only in {old_folder if name in old_names else new_folder}")
        changed += 1
    for name in sorted(old_names & new_names):
        found = differences(json.loads((old_folder / name).read_text()),
                            json.loads((new_folder / name).read_text()))
        if found:
            changed += 1
            print(f"{name}: {len(found)} difference(s)")
            for line in found[:10]:
                print(f"  {line}")
    total = len(old_names | new_names)
    print(f"{total - changed} of {total} documents identical (record and reading)")
    return 1 if changed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write", help="extract every document into a folder")
    writing.add_argument("folder", type=Path)
    writing.add_argument("--abstracts", type=int, default=1000, help="abstracts per corpus")
    comparing = commands.add_parser("compare", help="compare two written folders")
    comparing.add_argument("old", type=Path)
    comparing.add_argument("new", type=Path)
    options = parser.parse_args()
    if options.command == "write":
        write(options.folder, options.abstracts)
    else:
        sys.exit(compare(options.old, options.new))


if __name__ == "__main__":
    main()
