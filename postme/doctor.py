"""``postme check``: one line per thing that must be right, each with the fix."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from postme.config import Settings, load_config
from postme.errors import ExitCode, PostmeError
from postme.i18n import _, set_language
from postme.secrets import readable_by_others
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


def run_checks(
    config_path: Path | None, env: dict[str, str] | None = None, language: str | None = None
) -> CheckReport:
    """Every check; messages in ``language`` (``--lang``), else the config's language."""
    report = CheckReport()
    try:
        settings = load_config(config_path, env)
    except PostmeError as e:
        report.add(
            _("Config"), "fail", str(e), _("Fix the file, see config.example.toml."), e.exit_code
        )
        return report
    set_language(language or settings.language)
    report.add(_("Config"), "ok", str(settings.source))
    _check_cerdik(report, settings)
    _check_unknown_words(report, settings)
    if not _check_credentials(report, settings):
        return report
    if _check_sheet(report, settings):
        _check_instagram(report, settings)
    return report


def _check_cerdik(report: CheckReport, settings: Settings) -> None:
    """A renamed CERDIK programme must not switch cerdik-missing off without a word."""
    if settings.policy.severity.get("cerdik-missing") == "off" or settings.cerdik_programs:
        return
    if not settings.policy.cerdik_programs:
        return  # the team chose no CERDIK programme
    report.add(
        _("CERDIK programme"),
        "warn",
        _("{names} is not in [[programs]]: the cerdik-missing rule checks nothing").format(
            names=", ".join(settings.policy.cerdik_programs)
        ),
        _(
            'Set [policy] cerdik_programs = ["<your programme>"], or cerdik-missing = "off" '
            "in [policy.severity]."
        ),
    )


def _check_unknown_words(report: CheckReport, settings: Settings) -> None:
    """Status and format words ``postme init --yes`` found but could not place."""
    unknown = settings.unknown_words
    for words, section in ((unknown.statuses, "statuses"), (unknown.formats, "formats")):
        if words:
            report.add(
                _("Calendar words"),
                "fail",
                _("not placed yet: {words}").format(words=", ".join(f"'{w}'" for w in words)),
                _(
                    "Add each word to a list under [{section}] in the config and remove it "
                    "from [unknown_words] {section}."
                ).format(section=section),
                ExitCode.USAGE,
            )


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
    if readable_by_others(path.stat().st_mode):
        _warn_readable(
            report, label, path, _("{path}: other users on this computer can read the key")
        )
    else:
        report.add(label, "ok", _("service account {email}").format(email=email))
    return True


def _warn_readable(report: CheckReport, label: str, path: Path, problem: str) -> None:
    """A secret file other users can read: say so (``problem`` names {path}), and the fix."""
    report.add(
        label, "warn", problem.format(path=path), _("Run: chmod 600 {path}").format(path=path)
    )


def _check_sheet(report: CheckReport, settings: Settings) -> bool:
    from postme.calendar import calendar_request, calendar_tab_titles, map_columns
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
    try:
        calendar_titles = calendar_tab_titles(tabs.calendar, titles)
    except PostmeError as e:
        report.add(_("Calendar"), "fail", str(e), "", e.exit_code)
        return False
    for title in calendar_titles:
        if find_title(titles, title) is None:
            report.add(
                _("Tab '{tab}'").format(tab=title),
                "fail",
                _("not found; tabs: {tabs}").format(tabs=", ".join(titles)),
                _("Rename the tab or set [tabs] calendar in the config."),
                ExitCode.SHEET,
            )
            return False
    try:
        calendar_reads = [calendar_request(settings, title) for title in calendar_titles]
        read = store.read([*calendar_reads, account_request(settings), post_request(settings)])
        for title in calendar_titles:
            calendar_tab = read[title]
            assert calendar_tab is not None
            columns = map_columns(calendar_tab, settings.calendar.columns)
            report.add(
                _("Tab '{tab}'").format(tab=title),
                "ok",
                _("header in row {row}, {rows} rows, {n} columns mapped").format(
                    row=calendar_tab.header_row, rows=len(calendar_tab.rows), n=len(columns)
                ),
            )
    except PostmeError as e:
        report.add(_("Columns"), "fail", str(e), "", e.exit_code)
        return False
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
        _warn_readable(report, label, path, _("session file {path} can be read by other users"))
    else:
        report.add(
            label,
            "ok",
            _("session for @{user}, saved {days} days ago").format(
                user=username, days=int(info.age_days or 0)
            ),
        )
