"""The workbook file: editor lock files, a file changed since it was read, permissions and
owner, symlinks, the backup, temporary files after a kill -9, the shared lock, and clear
messages for files that are not .xlsx workbooks."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from postme.errors import (
    ExitCode,
    LockBusy,
    SheetError,
    TabMissing,
    WorkbookBusy,
    WorkbookChanged,
)
from postme.stores.base import RangeWrite, Record, TabRequest, WritePlan
from postme.stores.cells import EXCEL_CELL_LIMIT, TRUNCATION_MARKER
from postme.stores.xlsx import XlsxStore
from postme.stores.xlsx.files import STALE_SECONDS, lock_path

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534
PLAN = WritePlan(ranges=[RangeWrite("Metrik Akun", 3, 1, (("2026-11-23", 2486),))])


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Kalender Konten"
    book.active.append(["Tanggal", "Program"])
    book.create_sheet("Metrik Akun").append(["Tanggal", "Pengikut"])
    book["Metrik Akun"].append(["2026-11-16", 2362])
    book.save(path)
    return path


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "postme-tmp" in p.name)


def followers(path: Path) -> list[object]:
    return [
        row[1] for row in openpyxl.load_workbook(path)["Metrik Akun"].iter_rows(values_only=True)
    ]


# --- editor lock files ------------------------------------------------------------------------


def office_owner_file(user: str) -> bytes:
    """Office's ``~$`` owner file: the name's length, the name padded to 54 bytes, then the
    name's length again and the name in UTF-16 (165 bytes in all)."""
    ansi = user.encode("cp1252")
    data = bytes([len(ansi)]) + ansi.ljust(53, b" ")
    data += len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    return data.ljust(165, b"\x00")


@pytest.mark.parametrize(
    ("lock_name", "content", "who"),
    [
        (
            ".~lock.p.xlsx#",
            b"Rina Wulandari,LAPTOP-PKM,rina,30.11.2026 09:12,file:///home/rina/.config/libreoffice/4;",
            "Rina Wulandari (LAPTOP-PKM)",
        ),
        ("~$p.xlsx", office_owner_file("Dewi Sartika"), "Dewi Sartika"),
        ("~$p.xlsx", b"", None),
    ],
    ids=["libreoffice", "excel", "excel-empty"],
)
def test_an_open_workbook_is_not_written(
    tmp_path: Path, lock_name: str, content: bytes, who: str | None
) -> None:
    path = workbook(tmp_path / "p.xlsx")
    before = path.read_bytes()
    (tmp_path / lock_name).write_bytes(content)
    with pytest.raises(WorkbookBusy) as caught:
        XlsxStore(path).write(PLAN)
    assert caught.value.exit_code == ExitCode.SHEET
    assert lock_name in str(caught.value)
    if who:
        assert who in str(caught.value)
    assert path.read_bytes() == before
    assert temporaries(tmp_path) == []
    assert not (tmp_path / "p.bak.xlsx").exists()


def test_a_file_changed_since_the_read_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    store = XlsxStore(path)
    store.read([TabRequest("Metrik Akun")])
    # A colleague saves the workbook in between.
    book = openpyxl.load_workbook(path)
    book["Metrik Akun"]["B2"] = 9999
    book.save(path)
    theirs = path.read_bytes()
    with pytest.raises(WorkbookChanged, match="changed by someone else"):
        store.write(PLAN)
    assert path.read_bytes() == theirs
    # A fresh read works on their version.
    store.read([TabRequest("Metrik Akun")])
    store.write(PLAN)
    assert followers(path) == ["Pengikut", 9999, 2486]


def test_a_touched_but_equal_file_is_written(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    store = XlsxStore(path)
    store.read([TabRequest("Metrik Akun")])
    os.utime(path, (time.time() + 5, time.time() + 5))
    store.write(PLAN)
    assert followers(path) == ["Pengikut", 2362, 2486]


# --- backup, symlink, mode and owner ----------------------------------------------------------


def test_the_backup_is_the_team_file_from_before_the_first_write(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    original = path.read_bytes()
    store = XlsxStore(path)
    store.write(PLAN)
    store.write(WritePlan(ranges=[RangeWrite("Metrik Akun", 4, 1, (("2026-11-30", 2500),))]))
    assert (tmp_path / "p.bak.xlsx").read_bytes() == original
    assert followers(path) == ["Pengikut", 2362, 2486, 2500]


def test_a_symlink_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = workbook(shared / "p.xlsx")
    link = tmp_path / "planner.xlsx"
    link.symlink_to(target)
    store = XlsxStore(link)
    assert store.identity == str(target.resolve())
    store.write(PLAN)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert followers(target) == ["Pengikut", 2362, 2486]
    assert (shared / "p.bak.xlsx").exists()
    assert temporaries(shared) == [] and temporaries(tmp_path) == []


def test_mode_and_owner_are_kept(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    os.chmod(path, 0o664)
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    before = path.stat()
    XlsxStore(path).write(PLAN)
    after = path.stat()
    assert (after.st_mode & 0o7777, after.st_uid, after.st_gid) == (
        0o664,
        before.st_uid,
        before.st_gid,
    )


@pytest.fixture
def nobody_folder() -> Iterator[Path]:
    """A folder a non-root user can use (pytest's tmp_path is private to root)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run a case as the user nobody")
    folder = Path(tempfile.mkdtemp(prefix="postme-xlsx-"))
    os.chmod(folder, 0o777)
    try:
        yield folder
    finally:
        os.chmod(folder, 0o777)
        shutil.rmtree(folder, ignore_errors=True)


def write_as_nobody(path: Path) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        import sys
        from postme.errors import PostmeError
        from postme.stores.base import RangeWrite, WritePlan
        from postme.stores.xlsx import XlsxStore
        plan = WritePlan(ranges=[RangeWrite("Metrik Akun", 3, 1, (("2026-11-23", 2486),))])
        try:
            XlsxStore({str(path)!r}).write(plan)
        except PostmeError as e:
            print(e)
            sys.exit(int(e.exit_code))
        """
    )
    return subprocess.run(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            sys.executable,
            "-c",
            script,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(path.parent)},
        timeout=60,
    )


def test_as_a_user_a_shared_0664_file_keeps_its_mode(nobody_folder: Path) -> None:
    path = workbook(nobody_folder / "p.xlsx")
    os.chmod(path, 0o664)
    os.chown(path, NOBODY, NOBODY)
    done = write_as_nobody(path)
    assert done.returncode == 0, done.stdout + done.stderr
    stat = path.stat()
    assert (stat.st_mode & 0o7777, stat.st_uid) == (0o664, NOBODY)
    assert followers(path) == ["Pengikut", 2362, 2486]


def test_as_a_user_a_read_only_file_is_refused(nobody_folder: Path) -> None:
    path = workbook(nobody_folder / "p.xlsx")
    os.chown(path, NOBODY, NOBODY)
    os.chmod(path, 0o444)
    before = path.read_bytes()
    done = write_as_nobody(path)
    assert done.returncode == ExitCode.SHEET, done.stdout + done.stderr
    # In Indonesian, the default language outside the tests.
    assert "p.xlsx hanya-baca" in done.stdout and "Traceback" not in done.stderr
    assert path.read_bytes() == before
    assert temporaries(nobody_folder) == []


def test_as_a_user_a_read_only_folder_is_refused(nobody_folder: Path) -> None:
    path = workbook(nobody_folder / "p.xlsx")
    os.chown(path, NOBODY, NOBODY)
    os.chmod(path, 0o666)
    os.chmod(nobody_folder, 0o555)
    before = path.read_bytes()
    done = write_as_nobody(path)
    assert done.returncode == ExitCode.SHEET, done.stdout + done.stderr
    assert f"Folder {nobody_folder} hanya-baca" in done.stdout
    assert path.read_bytes() == before


# --- temporary files --------------------------------------------------------------------------

KILLED_WRITE = """
import sys, time
from pathlib import Path
from postme.stores.base import RangeWrite, WritePlan
from postme.stores.xlsx import XlsxStore
from postme.stores.xlsx.package import Package

def slow(self, out):
    out.write(b"PK half a workbook")
    out.flush()
    Path(sys.argv[2]).write_text("writing")
    time.sleep(60)

Package.write_to = slow
plan = WritePlan(ranges=[RangeWrite("Metrik Akun", 3, 1, (("2026-11-23", 2486),))])
XlsxStore(sys.argv[1]).write(plan)
"""


def test_kill_9_during_the_write_leaves_the_workbook_whole(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    before = path.read_bytes()
    signal_file = tmp_path / "writing"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITE, str(path), str(signal_file)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 30
        while not signal_file.exists():
            assert process.poll() is None, "the writer ended early"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert path.read_bytes() == before
    assert len(temporaries(tmp_path)) == 1  # left by the killed run
    XlsxStore(path).write(PLAN)  # the next run removes it
    assert temporaries(tmp_path) == []
    assert followers(path) == ["Pengikut", 2362, 2486]


def test_old_temporaries_of_another_machine_are_removed(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    old = tmp_path / ".p.xlsx.postme-tmp-other-laptop-4242.tmp"
    recent = tmp_path / ".p.xlsx.postme-tmp-other-laptop-4343.tmp"
    old.write_bytes(b"x")
    recent.write_bytes(b"x")
    os.utime(old, (time.time() - STALE_SECONDS - 60,) * 2)
    XlsxStore(path).write(PLAN)
    assert not old.exists()
    assert recent.exists()  # may be another machine's write in progress
    assert socket.gethostname() != "other-laptop"


def test_a_failed_write_removes_its_temporary_and_keeps_the_file(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    before = path.read_bytes()
    with pytest.raises(TabMissing, match="'Tidak Ada'"):
        XlsxStore(path).write(WritePlan(ranges=[RangeWrite("Tidak Ada", 1, 1, (("x",),))]))
    assert path.read_bytes() == before
    assert temporaries(tmp_path) == []


# --- the shared lock --------------------------------------------------------------------------


def test_shared_lock_busy_expired_and_released(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    store = XlsxStore(path)
    with store.shared_lock("postme di LAPTOP-PKM", 600):
        assert lock_path(path).exists()
        assert "LAPTOP-PKM" in lock_path(path).read_text()
        with pytest.raises(LockBusy, match="postme di LAPTOP-PKM") as caught:
            with XlsxStore(path).shared_lock("postme di PC-KIA", 600):
                pass
        assert caught.value.exit_code == ExitCode.SHEET
        assert "since" in str(caught.value)
    assert not lock_path(path).exists()
    # An expired lock (its run was killed) is taken over.
    with store.shared_lock("killed run", 0.01):
        time.sleep(0.05)
        with XlsxStore(path).shared_lock("next run", 600):
            assert "next run" in lock_path(path).read_text()
    assert not lock_path(path).exists()


# --- what is not an .xlsx workbook ------------------------------------------------------------


def ods(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return path


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("p.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
        ("p.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
        (
            "p.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + "EncryptedPackage".encode("utf-16-le")
            + b"\x00" * 600,
            "password",
        ),
        ("p.csv", b"Tanggal,Program\n16/11/2026,SIKAKUNG\n", "CSV"),
        ("p.xlsx", b"Tanggal;Program\n16/11/2026;SIKAKUNG\n", "CSV"),
        ("p.xlsx", b"PK\x03\x04 broken zip", "damaged"),
        ("p.xlsx", b"\x00\x01\x02 random", "damaged"),
    ],
    ids=["xls", "xls-renamed", "password", "csv", "csv-renamed", "corrupt-zip", "not-a-zip"],
)
def test_files_that_are_not_workbooks_get_a_clear_message(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SheetError, match=expected) as caught:
        XlsxStore(path).read([TabRequest("Kalender Konten")])
    assert caught.value.exit_code == ExitCode.SHEET
    if expected != "password" and expected != "damaged":
        assert "Save As" in str(caught.value)


def test_an_ods_spreadsheet_gets_a_clear_message(tmp_path: Path) -> None:
    for name in ("p.ods", "p.xlsx"):
        path = ods(tmp_path / name)
        with pytest.raises(SheetError, match="LibreOffice/OpenOffice") as caught:
            XlsxStore(path).tab_titles()
        assert "Save As" in str(caught.value)


def test_a_zip_without_a_workbook_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(SheetError, match="damaged"):
        XlsxStore(path).read([TabRequest("Kalender Konten")])


# --- text the file cannot hold ----------------------------------------------------------------


def test_text_xml_cannot_hold_is_cleaned_and_reported(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    caption = "Jaga kesehatan \ud83d dan \x07bel " + "x" * 40_000
    store = XlsxStore(path)
    report = store.write(
        WritePlan(ranges=[RangeWrite("Metrik Akun", 3, 1, (("Cuci tangan \ud83c", caption),))])
    )
    book = openpyxl.load_workbook(path)
    assert book["Metrik Akun"]["A3"].value == "Cuci tangan "
    written = book["Metrik Akun"]["B3"].value
    assert len(written) == EXCEL_CELL_LIMIT and written.endswith(TRUNCATION_MARKER)
    assert written.startswith("Jaga kesehatan  dan bel ")
    assert [(c.tab, c.cell) for c in report.shortened] == [
        ("Metrik Akun", "A3"),
        ("Metrik Akun", "B3"),
    ]
    assert [c.removed_characters for c in report.shortened] == [1, 2]
    assert report.shortened[1].original_length == len(caption)
    assert report.shortened[1].written_length == EXCEL_CELL_LIMIT
    # The workbook still opens, and the next run reads what was written.
    tab = XlsxStore(path).read([TabRequest("Metrik Akun")])["Metrik Akun"]
    assert tab is not None and tab.rows[-1].values[1] == written


def test_a_file_without_write_permission_is_refused_whoever_runs(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    os.chmod(path, 0o444)
    before = path.read_bytes()
    with pytest.raises(SheetError, match="read-only"):
        XlsxStore(path).write(PLAN)
    assert path.read_bytes() == before
    assert temporaries(tmp_path) == []


def test_an_editor_lock_beside_the_symlink_target_stops_the_write(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = workbook(shared / "p.xlsx")
    link = tmp_path / "planner.xlsx"
    link.symlink_to(target)
    (shared / ".~lock.p.xlsx#").write_text("Bayu,PC-KIA,bayu,30.11.2026 10:00,file:///x;")
    with pytest.raises(WorkbookBusy, match="Bayu"):
        XlsxStore(link).write(PLAN)


def test_keyed_rows_follow_a_colleagues_save_between_read_and_write(tmp_path: Path) -> None:
    """Issue 14/19: a file saved by a colleague after postme read it is read again; the
    keyed rows land on their keys and the colleague's row stays (never overwritten)."""
    from postme.stores.upsert import plan_upsert

    path = workbook(tmp_path / "p.xlsx")
    store = XlsxStore(path)
    seen = store.read([TabRequest("Metrik Akun")])["Metrik Akun"]
    plan = WritePlan()
    record: Record = {"Tanggal": "2026-11-16", "Pengikut": 2370}  # postme updates its own day
    plan_upsert(plan, "Metrik Akun", seen, ["Tanggal", "Pengikut"], ["Tanggal"], [record])
    plan_upsert(
        plan,
        "Metrik Akun",
        seen,
        ["Tanggal", "Pengikut"],
        ["Tanggal"],
        [{"Tanggal": "2026-11-23", "Pengikut": 2486}],
    )
    # A colleague inserts a row above postme's day and saves.
    book = openpyxl.load_workbook(path)
    book["Metrik Akun"].insert_rows(2)
    book["Metrik Akun"]["A2"] = "2026-11-09"
    book["Metrik Akun"]["B2"] = 2331
    book.save(path)
    store.write(plan)
    rows = list(openpyxl.load_workbook(path)["Metrik Akun"].iter_rows(values_only=True))
    assert rows == [
        ("Tanggal", "Pengikut"),
        ("2026-11-09", 2331),  # theirs, untouched
        ("2026-11-16", 2370),  # postme's row, found by its key where it moved
        ("2026-11-23", 2486),  # appended after the last row
    ]
