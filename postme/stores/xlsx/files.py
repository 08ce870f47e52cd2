"""The workbook as a file on a laptop or a shared folder: what kind of file it is, who has
it open, whether it changed since it was read, and replacing it safely.

A write goes to a temporary file in the workbook's own folder, is flushed to disk and
renamed over the real file (symlinks followed: the target is updated, the link stays),
with the mode and owner the file had. Before postme's first write the team's file is
copied to ``NAME.bak.xlsx``; later writes never touch that copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from postme.errors import LockBusy, SheetError, WorkbookBusy, WorkbookChanged
from postme.i18n import _

TEMP_MARK = ".postme-tmp-"
STALE_SECONDS = 3600  # a temporary file of another machine this old is left over from a crash
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Snapshot:
    """The workbook as postme read it: its bytes and what names this version of the file."""

    data: bytes
    size: int
    mtime_ns: int
    digest: str


def real_path(path: Path) -> Path:
    return Path(os.path.realpath(path))


def read_snapshot(path: Path) -> Snapshot:
    target = real_path(path)
    if target.suffix.casefold() in (".xls", ".xlsb", ".ods", ".csv", ".numbers"):
        raise SheetError(_format_message(path, target.suffix.casefold()))
    if not target.exists():
        raise SheetError(
            _("Workbook {path} does not exist. Check [sheet] path in the config.").format(path=path)
        )
    try:
        with open(target, "rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
    except PermissionError:
        raise SheetError(
            _(
                "Workbook {path} cannot be read: no permission. Ask whoever manages the "
                "folder to let your user read (and write) it."
            ).format(path=path)
        ) from None
    except OSError as e:
        raise SheetError(
            _("Workbook {path} cannot be read ({error}).").format(path=path, error=e.strerror)
        ) from None
    check_kind(path, data)
    return Snapshot(data, stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())


def check_kind(path: Path, data: bytes) -> None:
    """A clear message for what is not an .xlsx/.xlsm workbook."""
    if data.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise SheetError(
                _(
                    "Workbook {path} is protected with a password; postme cannot open it. "
                    "Save a copy without a password (File → Info → Protect Workbook → "
                    "Encrypt with Password, clear it) and point the config at it."
                ).format(path=path)
            )
        raise SheetError(_format_message(path, ".xls"))
    if not data.startswith(b"PK"):
        kind = ".csv" if path.suffix.casefold() == ".csv" or _looks_like_text(data) else ""
        if kind:
            raise SheetError(_format_message(path, kind))
        raise SheetError(_corrupt_message(path))
    if b"mimetypeapplication/vnd.oasis.opendocument" in data[:200]:
        raise SheetError(_format_message(path, ".ods"))


def _save_as() -> str:
    return _("File → Save As → Excel Workbook (.xlsx)")


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    return bool(head) and b"\x00" not in head and (b"," in head or b";" in head or b"\t" in head)


def _format_message(path: Path, kind: str) -> str:
    what = {
        ".xls": _("an old Excel 97-2003 workbook (.xls)"),
        ".xlsb": _("an Excel binary workbook (.xlsb)"),
        ".ods": _("a LibreOffice/OpenOffice spreadsheet (.ods)"),
        ".csv": _("a CSV text file"),
        ".numbers": _("an Apple Numbers file"),
    }[kind]
    return _(
        "{path} is {what}; postme reads and writes .xlsx workbooks. Open it and save it as "
        ".xlsx ({save_as}), then set [sheet] path to the new file."
    ).format(path=path, what=what, save_as=_save_as())


def _corrupt_message(path: Path) -> str:
    return _(
        "Workbook {path} cannot be opened: it is not an .xlsx file or it is damaged. Open it "
        "in Excel or LibreOffice; if it opens, save it again as .xlsx ({save_as}); if not, "
        "restore it from {backup} or another copy."
    ).format(path=path, save_as=_save_as(), backup=backup_path(path).name)


def corrupt(path: Path) -> SheetError:
    return SheetError(_corrupt_message(path))


def backup_path(path: Path) -> Path:
    """``planner.xlsx`` → ``planner.bak.xlsx`` (opens in Excel by double-click)."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


# --- who has the workbook open -------------------------------------------------------------


def editor_lock(path: Path) -> tuple[Path, str | None] | None:
    """The lock file an editor keeps beside an open workbook (beside the link or beside
    its target, whichever was opened), and who it names."""
    candidates = []
    for place in dict.fromkeys([path, real_path(path)]):
        folder, name = place.parent, place.name
        candidates += [folder / f".~lock.{name}#", folder / f"~${name}"]
        if len(name) > 2:
            candidates.append(folder / f"~${name[2:]}")  # Office's form for longer names
    for candidate in candidates:
        try:
            content = candidate.read_bytes()
        except FileNotFoundError:
            continue
        except OSError:
            return candidate, None
        reader = _libreoffice_owner if candidate.name.startswith(".~lock.") else _office_owner
        return candidate, reader(content)
    return None


def _libreoffice_owner(content: bytes) -> str | None:
    """``Name,host,user,date,…;``: the name the user set, else the system user."""
    fields = content.decode("utf-8", "replace").split(",")
    name = fields[0].strip() if fields else ""
    user = fields[2].strip() if len(fields) > 2 else ""
    host = fields[1].strip() if len(fields) > 1 else ""
    who = name or user
    if not who:
        return None
    return f"{who} ({host})" if host else who


def _office_owner(content: bytes) -> str | None:
    """Office's owner file: a length byte and the user name, then the name in UTF-16."""
    if len(content) > 56:
        length = int.from_bytes(content[54:56], "little")
        if 0 < length <= 54:
            wide = content[56 : 56 + 2 * length].decode("utf-16-le", "replace").strip()
            if wide:
                return wide
    if content and 0 < content[0] <= 53:
        return content[1 : 1 + content[0]].decode("cp1252", "replace").strip() or None
    return None


def refuse_when_open(path: Path) -> None:
    found = editor_lock(path)
    if found is None:
        return
    lock, who = found
    if who:
        message = _(
            "{path} is open in {who}'s spreadsheet program (lock file {lock}). Nothing was "
            "written. Ask them to save and close it, then run again (if nobody has it open, "
            "delete {lock})."
        ).format(path=path.name, who=who, lock=lock.name)
    else:
        message = _(
            "{path} is open in a spreadsheet program (lock file {lock}). Nothing was "
            "written. Save and close it, then run again (if nobody has it open, delete {lock})."
        ).format(path=path.name, lock=lock.name)
    raise WorkbookBusy(message)


def refuse_when_changed(path: Path, read: Snapshot) -> None:
    """The file must still be the version postme read: never overwrite someone's save."""
    target = real_path(path)
    try:
        stat = target.stat()
    except OSError:
        stat = None
    same = stat is not None and stat.st_size == read.size and stat.st_mtime_ns == read.mtime_ns
    if same:
        return
    if stat is not None and stat.st_size == read.size:
        with open(target, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() == read.digest:
                return  # touched, not changed
    raise WorkbookChanged(
        _(
            "{path} was changed by someone else while postme was working on it. Nothing was "
            "written, so their change is kept. Run the command again to work on the new "
            "version."
        ).format(path=path.name)
    )


# --- writing ----------------------------------------------------------------------------------


def replace(path: Path, write: Callable[[int], None]) -> None:
    """Write a new version of the workbook through ``write(fd)`` and put it in place.

    The temporary file is removed on every way out of here (a kill -9 leaves it: the next
    run removes it). The first write keeps the team's file as ``NAME.bak.xlsx``.
    """
    target = real_path(path)
    folder = target.parent
    _check_writable(path, target)
    remove_stale_temporaries(target)
    stat = target.stat()
    temporary = folder / f".{target.name}{TEMP_MARK}{socket.gethostname()}-{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:
        raise _not_writable(path, e) from None
    try:
        try:
            write(fd)
            os.fsync(fd)
        finally:
            os.close(fd)
        _copy_owner_and_mode(temporary, stat)
        backup = backup_path(target)
        if not backup.exists():
            shutil.copy2(target, backup)
            _copy_owner_and_mode(backup, stat)
        os.replace(temporary, target)
        _fsync_folder(folder)
    except OSError as e:
        raise _not_writable(path, e) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _check_writable(path: Path, target: Path) -> None:
    # No write bit for anyone is the team's "read-only", even for root (who could write).
    if not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222:
        raise SheetError(
            _(
                "{path} is read-only: postme did not write it. If the team wants postme to "
                "write the analysis there, make the file writable (file properties → "
                "permissions) and run again."
            ).format(path=path)
        )
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise SheetError(
            _(
                "The folder {folder} is read-only: postme cannot save {path} there. Make the "
                "folder writable for your user, or move the workbook to a folder you can "
                "write, then run again."
            ).format(folder=target.parent, path=path.name)
        )


def _not_writable(path: Path, error: OSError) -> SheetError:
    return SheetError(
        _("Could not save {path}: {error}. Nothing was changed; run again.").format(
            path=path, error=error.strerror or error
        )
    )


def _copy_owner_and_mode(path: Path, stat: os.stat_result) -> None:
    os.chmod(path, stat.st_mode & 0o7777)
    with contextlib.suppress(PermissionError):
        os.chown(path, stat.st_uid, stat.st_gid)
        return
    with contextlib.suppress(PermissionError):
        os.chown(path, -1, stat.st_gid)  # a member of the group may keep the group


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Temporary files a killed run left beside the workbook: this machine's whose process
    is gone, and any over an hour old."""
    removed = []
    host = socket.gethostname()
    for candidate in target.parent.glob(f".{target.name}{TEMP_MARK}*.tmp"):
        tail = candidate.name[len(f".{target.name}{TEMP_MARK}") : -len(".tmp")]
        owner_host, _sep, pid = tail.rpartition("-")
        try:
            age = time.time() - candidate.stat().st_mtime
        except OSError:
            continue
        dead = owner_host == host and pid.isdigit() and not _alive(int(pid))
        if dead or age > STALE_SECONDS:
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the lock shared through the folder ------------------------------------------------------


def lock_path(path: Path) -> Path:
    target = real_path(path)
    return target.with_name(f".{target.name}.postme-lock")


@contextlib.contextmanager
def shared_lock(
    path: Path, owner: str, ttl_seconds: float, now: Callable[[], float] = time.time
) -> Iterator[None]:
    """A lock file beside the workbook (so postme on another machine using the same shared
    folder sees it), created exclusively, holding its owner and expiry."""
    lock = lock_path(path)
    token = f"{socket.gethostname()}:{os.getpid()}:{now()}"
    record = {"owner": owner, "since": now(), "expires": now() + ttl_seconds, "token": token}
    for _attempt in range(2):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            held = _read_lock(lock)
            if held is not None and _number(held.get("expires")) > now():
                since = time.strftime("%Y-%m-%d %H:%M", time.localtime(_number(held.get("since"))))
                raise LockBusy(
                    _(
                        "{owner} has been working on {path} since {since} (lock file {lock}). "
                        "Nothing was written. Run again when it has finished."
                    ).format(
                        owner=held.get("owner", "?"), path=path.name, since=since, lock=lock.name
                    )
                ) from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()  # expired or unreadable: taken over
            continue
        except OSError as e:
            raise _not_writable(lock, e) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        break
    else:
        raise LockBusy(
            _("Another postme run took the lock on {path} first. Run again.").format(path=path.name)
        )
    try:
        yield
    finally:
        held = _read_lock(lock)
        if held is not None and held.get("token") == token:
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _read_lock(lock: Path) -> dict[str, object] | None:
    try:
        value = json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
