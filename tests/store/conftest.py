import pytest

from pipeline.extract import extract
from pipeline.store import write_record


@pytest.fixture
def extracted(tmp_path, report_text):
    """The report's record in ``tmp_path / "out"``: (folder, document, extraction)."""
    source = tmp_path / "raw" / "case.txt"
    source.parent.mkdir()
    source.write_text(report_text)
    document, extraction = extract(source)
    out = tmp_path / "out"
    write_record(document, extraction, out)
    return out, document, extraction
