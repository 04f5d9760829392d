"""An output folder that fills up during a run, on a real 3 MB tmpfs.

The tmpfs is mounted in a mount namespace of the test's own (``unshare -Urm``: no root
needed where user namespaces are allowed, nothing mounted outside it), and the runs go
on in it: one that fits, one that fills the disk, one after the disk is made larger.
What each left is copied out for the assertions.
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys

import pytest

from pipeline.store import Manifest
from tests.conftest import ROOT
from tests.flows.conftest import case_report

pytestmark = [pytest.mark.flow, pytest.mark.faults]

SCRIPT = r"""
set -u
mount -t tmpfs -o size=3m tmpfs "$OUT" || exit 90
run() {  # name, then the arguments of caselit run
    name=$1; shift
    "$PY" -m caselit.cli run "$@" --out "$OUT" > "$LOGS/$name.out" 2> "$LOGS/$name.err"
    echo $? > "$LOGS/$name.rc"
    mkdir -p "$LOGS/$name" && cp -a "$OUT/." "$LOGS/$name/"
}
run preflight "$RAW"
export CASELIT_MIN_FREE_MB=1
run first "$RAW/report00.txt" "$RAW/report01.txt" "$RAW/report02.txt"
run full "$RAW"
mount -o remount,size=64m "$OUT"
run again "$RAW"
"""


def private_mounts_allowed() -> bool:
    probe = subprocess.run(["unshare", "-Urm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


def pairs_in_step(out) -> bool:
    """Every record names the same source content as its document copy."""
    def source_read(path) -> str:
        data = json.loads(path.read_text())
        return data["run"]["source"]["sha256"] if "run" in data else data["source"]["sha256"]

    return all(source_read(record) == source_read(out / "_documents" / record.name)
               for record in out.glob("*.json") if not record.name.startswith("_"))


@pytest.mark.skipif(not private_mounts_allowed(), reason="no private mount namespace here")
def test_a_full_output_folder_ends_the_run_in_one_line_and_keeps_what_was_written(
        tmp_path, cli_env):
    raw, logs, out = tmp_path / "raw", tmp_path / "logs", tmp_path / "out"
    for folder in (raw, logs, out):
        folder.mkdir()
    for index in range(3):  # small reports, about 30 KB of output each
        (raw / f"report{index:02d}.txt").write_text(case_report(index))
    for index in range(3, 7):  # long ones, about 1 MB of output each
        paragraphs = [case_report(n).replace("woman", f"woman (patient {n})")
                      for n in range(index * 1000, index * 1000 + 1000)]
        (raw / f"report{index:02d}.txt").write_text("\n\n".join(paragraphs))
    env = {**cli_env, "PY": sys.executable, "RAW": str(raw), "LOGS": str(logs), "OUT": str(out)}
    env.pop("CASELIT_MIN_FREE_MB", None)
    done = subprocess.run(["unshare", "-Urm", "sh", "-c", SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr

    def result(name):
        return int((logs / f"{name}.rc").read_text()), (logs / f"{name}.err").read_text()

    status, error = result("preflight")  # 3 MB free: refused before any work
    assert status == 2 and error.count("\n") == 1
    assert error.startswith(f"error: {out}: 3.0 MB free on its file system, at least 20 MB")
    assert not any((logs / "preflight").iterdir())

    assert result("first")[0] == 0
    status, error = result("full")
    assert status == 74 and error.count("\n") == 1, error
    assert error.startswith(f"error: {out}: no space left on device (ENOSPC) while writing ")
    assert error.rstrip().endswith("not done: free some space, then run again to do the rest")
    first, full, again = logs / "first", logs / "full", logs / "again"
    for name in ("report00.json", "report01.json", "report02.json", "_documents/report00.json"):
        assert (full / name).read_bytes() == (first / name).read_bytes()
    assert pairs_in_step(full) and not list(full.rglob("*.tmp"))

    committed = set(Manifest.load(full).entries)
    assert result("again")[0] == 0
    last_run = json.loads((again / "_runs.jsonl").read_text().splitlines()[-1])
    assert last_run["done"] == 7 - len(committed | {"report00", "report01", "report02"})
    assert len(json.loads((again / "_manifest.json").read_text())["documents"]) == 7
    assert json.loads((again / "_tables.json").read_text())["rows"]["documents"] == 7


def test_a_record_write_that_fails_leaves_the_old_record_and_text_in_step(tmp_path, report_text):
    """The file size limit (RLIMIT_FSIZE) makes the record's write fail (EFBIG) after its
    document copy is written, as a full disk would: the old pair stays, in step."""
    source = tmp_path / "case.txt"
    source.write_text(report_text)
    script = f"""
import resource
from pathlib import Path
from pipeline.extract import extract
from pipeline.store import write_record
from pipeline.store.compact import document_json, record_json
source, out = Path({str(source)!r}), Path({str(tmp_path / "out")!r})
write_record(*extract(source), out)
source.write_text(source.read_text() + "She remains on lorlatinib.\\n" * 40)
document, extraction = extract(source)
text, record = len(document_json(document)), len(record_json(extraction, document))
assert text < record
resource.setrlimit(resource.RLIMIT_FSIZE, ((text + record) // 2, resource.RLIM_INFINITY))
try:
    write_record(document, extraction, out)
except OSError as error:
    print(error.errno)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.stdout.strip() == str(errno.EFBIG), done.stderr
    out = tmp_path / "out"
    assert pairs_in_step(out)
    assert "She remains on lorlatinib" not in (out / "_documents" / "case.json").read_text()
    assert sorted(p.name for p in out.rglob("*")) == ["_documents", "case.json", "case.json"]



READ_ONLY = r"""
set -u
mount --bind "$OUT" "$OUT" && mount -o remount,bind,ro "$OUT" || exit 90
"$PY" -m caselit.cli run "$RAW" --out "$OUT" > "$LOGS/idle.out" 2> "$LOGS/idle.err"
echo $? > "$LOGS/idle.rc"
cp "$RAW/report00.txt" "$RAW/report99.txt"
"$PY" -m caselit.cli run "$RAW" --out "$OUT" > "$LOGS/work.out" 2> "$LOGS/work.err"
echo $? > "$LOGS/work.rc"
"""


@pytest.mark.skipif(not private_mounts_allowed(), reason="no private mount namespace here")
def test_a_read_only_output_folder_is_fine_with_nothing_to_do_and_said_with_work(
        tmp_path, cli_env):
    from flows.ingest import run_ingest
    from tests.flows.conftest import write_reports

    raw, logs, out = write_reports(tmp_path / "raw", 2), tmp_path / "logs", tmp_path / "out"
    logs.mkdir()
    run_ingest([str(raw)], str(out))
    env = {**cli_env, "PY": sys.executable, "RAW": str(raw), "LOGS": str(logs), "OUT": str(out)}
    done = subprocess.run(["unshare", "-Urm", "sh", "-c", READ_ONLY], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (logs / "idle.rc").read_text().strip() == "0", (logs / "idle.err").read_text()
    assert "skipped (unchanged)" in (logs / "idle.out").read_text()
    assert (logs / "work.rc").read_text().strip() == "2"
    assert (logs / "work.err").read_text() == (
        f"error: {out}: the output folder cannot be written (read-only file system)\n")
