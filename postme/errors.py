"""Every exit code and every error type of postme, in one place (the exit codes: README
"Every week, automatically")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # done, but findings of severity error or missed slots
    USAGE = 2  # usage or config error
    SHEET = 3  # spreadsheet could not be read or written; nothing was written
    PARTIAL = 4  # done in part (e.g. Instagram unreachable, the rest written)


class PostmeError(Exception):
    """An error a person can act on. ``str(e)`` is the message shown, with the fix
    (known secrets and secret-shaped text masked, wherever the message is shown)."""

    exit_code: ExitCode = ExitCode.USAGE

    def __str__(self) -> str:
        from postme.secrets import scrub

        return scrub(super().__str__())


class ConfigError(PostmeError):
    exit_code = ExitCode.USAGE


class CredentialsError(PostmeError):
    exit_code = ExitCode.USAGE


class SheetError(PostmeError):
    """The spreadsheet could not be read or written; nothing was written."""

    exit_code = ExitCode.SHEET


class SheetNotFound(SheetError):
    """The spreadsheet id or URL points at nothing (404)."""


class SheetAccessDenied(SheetError):
    """The spreadsheet is not shared with the account postme uses (403)."""


class TabMissing(SheetError):
    """A tab named in the config is not in the spreadsheet."""


class ColumnMissing(SheetError):
    """A mapped column header is not in the tab's header row."""


class WorkbookBusy(SheetError):
    """The workbook is open in Excel or LibreOffice (their lock file is beside it)."""


class WorkbookChanged(SheetError):
    """The workbook changed on disk between postme's read and its write."""


class LockBusy(PostmeError):
    """Another postme run holds the lock for this spreadsheet."""

    exit_code = ExitCode.SHEET


class InstagramError(PostmeError):
    """Instagram could not be read; the rest of a run can still be written."""

    exit_code = ExitCode.PARTIAL


class NothingCollected(InstagramError):
    """``collect`` could not read Instagram at all: there is nothing to write (exit 3,
    as for any run that wrote nothing; ``weekly`` goes on instead and exits 4)."""

    exit_code = ExitCode.SHEET


class InputFileError(PostmeError):
    """A local input file (instaloader JSON, Meta CSV) is corrupt or of an unknown shape."""

    exit_code = ExitCode.USAGE
