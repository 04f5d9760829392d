import pytest

from pipeline.errors import BadInputError
from pipeline.read import read_document


def minimal_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF with one Helvetica text line per string, one page per list."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        body = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
            f"({line}) Tj T*" for line in lines) + " ET"
        objects.append(f"<< /Length {len(body)} >>\nstream\n{body}\nendstream")
        objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_each_pdf_page_keeps_its_span_of_the_text(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(minimal_pdf([["Case report", "A 61-year-old man."],
                                  ["He received crizotinib."]]))
    document = read_document(path)
    assert document.media_type == "application/pdf"
    assert [p.number for p in document.pages] == [1, 2]
    first, second = document.pages
    assert "61-year-old man" in document.text[first.start:first.end]
    assert document.text[second.start:second.end].strip() == "He received crizotinib."
    offset = document.text.index("crizotinib")
    assert document.page_at(offset) == 2


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.4\nthis is not really a pdf\n", "not a readable PDF"),
    (minimal_pdf([[]]), "no extractable text"),
])
def test_unreadable_or_textless_pdfs_are_refused_with_a_reason(tmp_path, data, reason):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(BadInputError) as raised:
        read_document(path)
    assert str(path) in str(raised.value) and reason in str(raised.value)
