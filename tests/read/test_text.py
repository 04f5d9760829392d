import codecs

import pytest

from pipeline.errors import BadInputError
from pipeline.read.text import decode_text


def test_utf8_text_is_decoded_and_line_ends_normalised():
    text, warnings = decode_text("ALK\u207a tumour\r\nsecond line\rthird".encode(), "a.txt")
    assert text == "ALK\u207a tumour\nsecond line\nthird"
    assert warnings == []


def test_byte_order_marks_decode_with_a_warning():
    text, warnings = decode_text(codecs.BOM_UTF8 + "Crizotinib".encode(), "a.txt")
    assert text == "Crizotinib"
    assert "utf-8-sig" in warnings[0]
    text, warnings = decode_text("Crizotinib".encode("utf-16"), "b.txt")
    assert text == "Crizotinib"
    assert "utf-16" in warnings[0]


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"  \n\t\n", "empty file"),
    (b"%PDF-1.4\x00\x01binary", "binary file, not text: NUL byte at offset 8"),
    ("caf\u00e9".encode("latin-1"), "not UTF-8 text: byte 0xe9 at offset 3"),
])
def test_what_is_not_utf8_text_is_refused_with_file_and_reason(data, message):
    with pytest.raises(BadInputError) as raised:
        decode_text(data, "raw/report.txt")
    assert str(raised.value).startswith("raw/report.txt: ")
    assert message in str(raised.value)
