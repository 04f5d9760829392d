import pytest

from pipeline.atomic import atomic_files, atomic_path, atomic_write_bytes, atomic_write_text


def test_a_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "sub" / "record.json"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["record.json"]


def test_a_crash_before_the_rename_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "record.json"
    target.write_text('{"old": true}')

    def crash(temporary):
        assert temporary.read_bytes() == b'{"new": tru'  # the new content is all written...
        raise KeyboardInterrupt("killed before the rename")  # ...and then the process dies

    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b'{"new": tru', before_replace=crash)
    assert target.read_text() == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_a_failing_writer_leaves_no_target_and_no_temporary(tmp_path):
    target = tmp_path / "table.parquet"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            temporary.write_bytes(b"PAR1 half a table")
            raise RuntimeError("writer failed")
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_gets_the_usual_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    from pipeline.atomic import UMASK, atomic_write_text

    new = tmp_path / "record.json"
    atomic_write_text(new, "{}")
    assert new.stat().st_mode & 0o777 == 0o666 & ~UMASK  # as open() makes it, not mkstemp's 0600
    new.chmod(0o640)
    atomic_write_text(new, "{}")
    assert new.stat().st_mode & 0o777 == 0o640


def test_files_written_together_replace_their_targets_in_a_folder_made_for_them(tmp_path):
    copy, record = tmp_path / "_documents" / "d.json", tmp_path / "d.json"
    record.write_text("old record")
    record.chmod(0o640)
    with atomic_files([copy, record]) as (copy_file, record_file):
        copy_file.write(b"new copy")
        record_file.write(b"new record")
    assert (copy.read_text(), record.read_text()) == ("new copy", "new record")
    assert record.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its mode
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["_documents", "d.json", "d.json"]


def test_a_failure_writing_files_together_leaves_every_target_and_no_temporary(tmp_path):
    copy, record = tmp_path / "copy.json", tmp_path / "record.json"
    copy.write_text("old copy")
    record.write_text("old record")
    with pytest.raises(OSError):
        with atomic_files([copy, record]) as (copy_file, record_file):
            copy_file.write(b"new copy")
            raise OSError(28, "No space left on device")
    assert (copy.read_text(), record.read_text()) == ("old copy", "old record")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.json", "record.json"]
