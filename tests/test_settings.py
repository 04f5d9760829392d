import pytest

from pipeline.settings import get_settings


def test_settings_follow_every_variable_they_are_read_from(monkeypatch, tmp_path):
    before = get_settings()
    changed = {"CASELIT_DATA_DIR": ("data_dir", tmp_path / "data"),
               "CASELIT_CACHE_DIR": ("cache_dir", tmp_path / "cache"),
               "CASELIT_PDF_ENGINE": ("pdf_engine", "pdfplumber"),
               "CASELIT_NER_MODELS": ("ner_models", ("model_a", "model_b"))}
    for variable, (field, value) in changed.items():
        text = ",".join(value) if isinstance(value, tuple) else str(value)
        monkeypatch.setenv(variable, text)
        assert getattr(get_settings(), field) == value
    monkeypatch.delenv("CASELIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert get_settings().cache_dir == tmp_path / "xdg" / "caselit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_settings().cache_dir == tmp_path / "home" / ".cache" / "caselit"
    monkeypatch.undo()
    assert get_settings() == before


def test_a_bad_engine_is_refused_each_time(monkeypatch):
    monkeypatch.setenv("CASELIT_PDF_ENGINE", "ocr")
    for _ in range(2):
        with pytest.raises(ValueError, match="CASELIT_PDF_ENGINE"):
            get_settings()
