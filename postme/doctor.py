"""``postme check``: one line per thing that must be right, each with the fix."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from postme.config import Settings, load_config
from postme.errors import ExitCode, PostmeError
from postme.i18n import _
from postme.stores.base import find_title

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class CheckItem:
    label: str
    status: Status
    detail: str
    fix: str = ""
    exit_code: ExitCode = ExitCode.OK


@dataclass
class CheckReport:
    items: list[CheckItem] = field(default_factory=list)

    def add(
        self,
        label: str,
        status: Status,
        detail: str,
        fix: str = "",
        exit_code: ExitCode = ExitCode.OK,
    ) -> None:
        self.items.append(CheckItem(label, status, detail, fix, exit_code))

    @property
    def exit_code(self) -> ExitCode:
        codes = [i.exit_code for i in self.items if i.status == "fail"]
        return max(codes, default=ExitCode.OK)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == ExitCode.OK,
            "checks": [
                {"check": i.label, "status": i.status, "detail": i.detail, "fix": i.fix}
                for i in self.items
            ],
        }


def run_checks(config_path: Path | None, env: dict[str, str] | None = None) -> CheckReport:
    report = CheckReport()
    try:
        settings = load_config(config_path, env)
    except PostmeError as e:
        report.add(
            _("Config"), "fail", str(e), _("Fix the file, see config.example.toml."), e.exit_code
        )
        return report
    report.add(_("Config"), "ok", str(settings.source))
    if not _check_credentials(report, settings):
        return report
    if _check_sheet(report, settings):
        _check_instagram(report, settings)
    return report


def key_file_path(settings: Settings) -> Path:
    """The key file the Google store reads: the configured one, else gspread's own default
    (``gspread.auth.get_config_dir()``: right on Windows too)."""
    from postme.stores.gsheets.credentials import credentials_file

    return credentials_file("service_account", settings.sheet.key_file, None)


def _check_credentials(report: CheckReport, settings: Settings) -> bool:
    label = _("Credentials")
    if settings.sheet.backend == "xlsx":
        path = settings.sheet.path
        if path is None or not path.is_file():
            report.add(
                _("Workbook"),
                "fail",
                _("{path} does not exist").format(path=path),
                _("Set [sheet] path to your .xlsx file."),
                ExitCode.USAGE,
            )
            return False
        report.add(_("Workbook"), "ok", str(path))
        return True
    if settings.sheet.credentials == "oauth":
        from postme.stores.gsheets.credentials import credentials_file

        saved = credentials_file("oauth", None, None)
        if saved.is_file():
            report.add(label, "ok", _("saved Google sign-in {path}").format(path=saved))
        else:
            # Opening the spreadsheet below runs the browser sign-in once (when a person is
            # at the terminal) and saves it here for the scheduled runs.
            report.add(label, "ok", _("OAuth user login (a browser window opens the first time)"))
        return True
    path = key_file_path(settings)
    if not path.is_file():
        report.add(
            label,
            "fail",
            _("key file {path} not found").format(path=path),
            _(
                "Download a service-account JSON key (Google Cloud console → IAM → Service "
                "accounts → Keys) and set [sheet] key_file to its path."
            ),
            ExitCode.USAGE,
        )
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("type") != "service_account":
        report.add(
            label,
            "fail",
            _("{path} is not a service-account key").format(path=path),
            _('Use the JSON key of a service account (it has "type": "service_account").'),
            ExitCode.USAGE,
        )
        return False
    email = str(data.get("client_email", ""))
    if os.name != "nt" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        report.add(
            label,
            "warn",
            _("{path}: other users on this computer can read the key").format(path=path),
            _("Run: chmod 600 {path}").format(path=path),
        )
    else:
        report.add(label, "ok", _("service account {email}").format(email=email))
    return True


def _check_sheet(report: CheckReport, settings: Settings) -> bool:
    from postme.calendar import calendar_request, map_columns
    from postme.jobs import open_store
    from postme.metrics import account_request, post_request

    try:
        store = open_store(settings)
        titles = store.tab_titles()
    except PostmeError as e:
        report.add(_("Spreadsheet"), "fail", str(e), "", e.exit_code)
        return False
    report.add(_("Spreadsheet"), "ok", store.name)
    tabs = settings.tabs
    if find_title(titles, settings.tabs.calendar) is None:
        report.add(
            _("Tab '{tab}'").format(tab=tabs.calendar),
            "fail",
            _("not found; tabs: {tabs}").format(tabs=", ".join(titles)),
            _("Rename the tab or set [tabs] calendar in the config."),
            ExitCode.SHEET,
        )
        return False
    try:
        read = store.read(
            [calendar_request(settings), account_request(settings), post_request(settings)]
        )
        calendar_tab = read[tabs.calendar]
        assert calendar_tab is not None
        columns = map_columns(calendar_tab, settings.calendar.columns)
    except PostmeError as e:
        report.add(_("Columns"), "fail", str(e), "", e.exit_code)
        return False
    report.add(
        _("Tab '{tab}'").format(tab=tabs.calendar),
        "ok",
        _("header in row {row}, {rows} rows, {n} columns mapped").format(
            row=calendar_tab.header_row, rows=len(calendar_tab.rows), n=len(columns)
        ),
    )
    for title in (tabs.account_metrics, tabs.post_metrics, tabs.weekly, tabs.findings):
        if find_title(titles, title) is not None:
            report.add(_("Tab '{tab}'").format(tab=title), "ok", _("present"))
        else:
            report.add(
                _("Tab '{tab}'").format(tab=title), "ok", _("missing; created on the first write")
            )
    return True


def _check_instagram(report: CheckReport, settings: Settings) -> None:
    label = _("Instagram")
    username = settings.instagram.username
    if not username:
        report.add(
            label,
            "warn",
            _("no account configured"),
            _("Set [instagram] username, or collect with --from DIR / --meta-csv FILE."),
        )
        return
    from postme.instagram.session import default_session_file, session_info

    path = settings.instagram.session_file or default_session_file(username)
    info = session_info(path)
    if not info.exists:
        report.add(
            label,
            "warn",
            _("no saved session for @{user} ({path})").format(user=username, path=path),
            _("Run once by hand: postme login {user}").format(user=username),
        )
    elif info.mode_ok is False:
        report.add(
            label,
            "warn",
            _("session file {path} can be read by other users").format(path=path),
            _("Run: chmod 600 {path}").format(path=path),
        )
    else:
        report.add(
            label,
            "ok",
            _("session for @{user}, saved {days} days ago").format(
                user=username, days=int(info.age_days or 0)
            ),
        )
