import pickle

from pipeline.lexicons.cache import cached_build


def test_compiled_data_is_built_once_and_rebuilt_when_a_source_changes(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("v1")
    builds = []

    def build():
        builds.append(source.read_text())
        return {"value": source.read_text()}

    cache = tmp_path / "cache"
    assert cached_build("demo", [source], cache, build) == {"value": "v1"}
    assert cached_build("demo", [source], cache, build) == {"value": "v1"}
    assert builds == ["v1"]
    source.write_text("v2")
    assert cached_build("demo", [source], cache, build) == {"value": "v2"}
    assert builds == ["v1", "v2"]
    assert len(list(cache.glob("demo-*.pickle"))) == 2


def test_a_damaged_cache_file_is_rebuilt(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("v1")
    cache = tmp_path / "cache"
    cached_build("demo", [source], cache, lambda: {"value": 1})
    (written,) = cache.glob("demo-*.pickle")
    written.write_bytes(written.read_bytes()[:-3])  # cut short, as by a full disk
    assert cached_build("demo", [source], cache, lambda: {"value": 2}) == {"value": 2}
    assert pickle.loads(written.read_bytes()) == {"value": 2}
