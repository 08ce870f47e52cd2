"""The command line: parse options, call one library function, render.

Rich for people (``postme.render``), one JSON document on stdout with ``--json``.
Every error becomes a message and an exit code here, in ``_run``; ``--debug`` adds
the traceback (secrets scrubbed) before the message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from postme.cli_help import TranslatedGroup, env_language
from postme.errors import ConfigError, ExitCode, PostmeError
from postme.i18n import _, set_language

app = typer.Typer(
    cls=TranslatedGroup,  # --help in the run's language
    name="postme",
    help="Checks the social media planner against the content policy and posting plan, "
    "collects Instagram figures and writes the weekly analysis back into the spreadsheet.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

T = TypeVar("T")


def _print_version(value: bool) -> None:
    if value:
        import postme

        typer.echo(f"postme {postme.__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the postme version and stop.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Checks the social media planner against the content policy and posting plan,
    collects Instagram figures and writes the weekly analysis back into the spreadsheet."""


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Config file (default: $POSTME_CONFIG, ./postme.toml, then the user config dir).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Reference date YYYY-MM-DD (default: today in the configured timezone).",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout, nothing else.")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems (for cron).")]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language of messages: id or en (default: config, then id)."),
]
WeekOption = Annotated[
    str | None, typer.Option("--week", help="ISO week like 2026-W47 (default: last full week).")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")
]
FromDirOption = Annotated[
    Path | None,
    typer.Option("--from", help="Folder of instaloader JSON files instead of live Instagram."),
]
MetaCsvOption = Annotated[
    Path | None, typer.Option("--meta-csv", help="Meta Business Suite post export (CSV).")
]


class Context:
    """What every command needs: settings, the reference date, how to print."""

    def __init__(
        self,
        config: Path | None,
        as_of: str | None,
        as_json: bool,
        debug: bool,
        quiet: bool = False,
        lang: str | None = None,
        load: bool = True,
    ) -> None:
        from postme import render

        self.as_json = as_json
        self.debug = debug
        self.quiet = quiet
        self.lang = lang or env_language()  # --lang, then $POSTME_LANG, then the config
        if self.lang is not None:
            self._set_lang(self.lang)
        self.render = render.Renderer(quiet=quiet)
        self._config = config
        self._as_of = as_of
        self.settings: Any = None
        if load:
            self.load()

    def _set_lang(self, lang: str) -> None:
        if lang not in ("id", "en"):
            raise ConfigError(_("--lang {value}: use id or en.").format(value=lang))
        set_language(lang)

    def load(self) -> None:
        from postme.config import configured_language, load_config

        if self.lang is None:  # the config's errors in the config's language
            set_language(configured_language(self._config))
        self.settings = load_config(self._config)
        set_language(self.lang or self.settings.language)
        from postme.jobs.clock import run_clock

        given = parse_as_of(self._as_of, self.settings) if self._as_of else None
        clock = run_clock(self.settings.zone, given)  # the clock rule lives in jobs.clock
        self.as_of, self.now = clock.as_of, clock.now

    def emit_json(self, document: Any) -> None:
        write_json(json.dumps(document, ensure_ascii=False, indent=2, default=str))

    def show(self, document: Callable[[], Any], draw: Callable[[], None]) -> None:
        """The run's result: one JSON document (made only then) with --json, else drawn
        for people."""
        if self.as_json:
            self.emit_json(document())
        else:
            draw()


_json_written = False  # one document per run, even when the command line cannot be read


def write_json(text: str) -> None:
    global _json_written
    _json_written = True
    sys.stdout.write(text + "\n")


def json_written() -> bool:
    return _json_written


def parse_as_of(text: str | None, settings: Any) -> dt.date:
    from postme.weeks import today_in

    if text is None:
        return today_in(settings.zone)
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            _("--as-of {value}: write the date as YYYY-MM-DD, e.g. 2026-11-22.").format(value=text)
        ) from None


INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class RunRecord:
    """What the one log line of a run says: command, week, cells written, exit code."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.week: str | None = None
        self.cells: int | None = None

    def note(self, week: str | None = None, cells: int | None = None) -> None:
        self.week = week if week is not None else self.week
        self.cells = cells if cells is not None else self.cells

    def note_written(self, week: str | None, plan: Any, written: bool) -> None:
        """The week and the cells of ``plan`` when it was written (0 otherwise)."""
        self.note(week, plan.cell_count() if written else 0)

    def line(self, code: int) -> str:
        return "run command={c} week={w} cells={n} exit={e}".format(
            c=self.command,
            w=self.week or "-",
            n=self.cells if self.cells is not None else 0,
            e=code,
        )


def _run(
    debug: bool,
    action: Callable[[], int],
    *,
    as_json: bool = False,
    record: RunRecord | None = None,
) -> None:
    """Run a command body; turn every error into a message and an exit code. With
    ``as_json`` an error is also one JSON document on stdout, so a script always gets one."""
    _configure_logging(debug)
    try:
        code = action()
    except PostmeError as error:
        if debug:
            _print_traceback()
        code = _fail(int(error.exit_code), type(error).__name__, str(error), as_json)
    except KeyboardInterrupt:
        code = _fail(
            INTERRUPTED, "Interrupted", _("Stopped by the user. Nothing was written."), as_json
        )
    except Exception as error:  # the last line of defence: no traceback for users
        if debug:
            _print_traceback()
        from postme.secrets import scrub

        message = _("Unexpected error: {error}. Run again with --debug and report it.").format(
            error=scrub(f"{type(error).__name__}: {error}")
        )
        code = _fail(int(ExitCode.SHEET), "UnexpectedError", message, as_json)
    if record is not None:
        _log_run_line(record.line(code))
    raise typer.Exit(code)


def _fail(code: int, kind: str, message: str, as_json: bool) -> int:
    """Say why the run failed (stderr; and stdout's one document with --json)."""
    from postme import render

    render.error(message)
    if as_json:
        write_json(error_document(code, kind, message))
    return code


def error_document(code: int, kind: str, message: str) -> str:
    return json.dumps(
        {"error": {"code": code, "kind": kind, "message": message}}, ensure_ascii=False
    )


def _print_traceback() -> None:
    """--debug: the whole traceback on stderr, with secrets scrubbed (a gspread or
    requests error under ours may quote a token)."""
    import traceback

    from postme.secrets import scrub

    sys.stderr.write(scrub(traceback.format_exc()))


def _configure_logging(debug: bool) -> None:
    """Messages on stderr (scrubbed). Rebound on every command, so a second run in the
    same process (tests, the city job) never writes to the previous run's stream."""
    from postme.secrets import ScrubbingFilter

    root = logging.getLogger("postme")
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for old in [h for h in root.handlers if getattr(h, "_postme", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(ScrubbingFilter())
    handler._postme = True  # type: ignore[attr-defined]
    handler.setLevel(logging.INFO if debug else logging.WARNING)
    root.addHandler(handler)


@app.command()
def validate(
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    all_rows: Annotated[
        bool,
        typer.Option(
            "--all", help="Check every row, not only the weeks around the reference date."
        ),
    ] = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Check the content calendar against the content policy."""

    def body() -> int:
        from postme.jobs import run_validate

        ctx = Context(config, as_of, as_json, debug, quiet, lang)
        outcome = run_validate(ctx.settings, ctx.as_of, all_rows=all_rows)

        def document() -> Any:
            from postme.calendar import row_tab

            found = outcome.to_json()
            findings = outcome.validation.findings
            for finding, item in zip(findings, found["findings"], strict=True):
                item["tab"] = row_tab(finding.row, ctx.settings)  # the cell's tab
            return found

        ctx.show(document, lambda: ctx.render.validation(outcome.validation))
        return int(outcome.exit_code)

    _run(debug, body, as_json=as_json)


@app.command()
def slots(
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    week: WeekOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Find missed and unplanned posting slots, empty days and upcoming health days."""

    def body() -> int:
        from postme.jobs import run_slots
        from postme.weeks import parse_week

        ctx = Context(config, as_of, as_json, debug, quiet, lang)
        chosen = parse_week(week) if week else None
        outcome = run_slots(ctx.settings, ctx.as_of, week=chosen, now=ctx.now)
        ctx.show(outcome.to_json, lambda: ctx.render.slots(outcome.slots))
        return int(outcome.exit_code)

    _run(debug, body, as_json=as_json)


@app.command()
def collect(
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    from_dir: FromDirOption = None,
    meta_csv: MetaCsvOption = None,
    save: Annotated[
        Path | None, typer.Option("--save", help="Also keep the raw instaloader JSON here.")
    ] = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Collect Instagram figures into the account and post metrics tabs."""

    def body() -> int:
        from postme.jobs import open_source, run_collect

        ctx = Context(config, as_of, as_json, debug, quiet, lang)
        source = open_source(ctx.settings, from_dir, meta_csv)
        if save is not None:
            if not hasattr(source, "save_dir"):
                raise ConfigError(
                    _("--save keeps what live Instagram sent; not with --from or --meta-csv.")
                )
            source.save_dir = save
        with ctx.render.progress(enabled=not as_json) as progress:
            result = run_collect(
                ctx.settings, source, ctx.as_of, dry_run=dry_run, progress=progress
            )
        ctx.show(result.to_json, lambda: ctx.render.collect(result, dry_run))
        record.note_written(None, result.plan, result.written)
        return int(result.exit_code)

    record = RunRecord("collect")
    _run(debug, body, as_json=as_json, record=record)


AllAccountsOption = Annotated[
    bool,
    typer.Option(
        "--all",
        help="City office: run every account (those listed under accounts in this config, "
        "or every *.toml in --dir) and write the roll-up.",
    ),
]
AccountsDirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="With --all: a folder of account configs (*.toml)."),
]


@app.command()
def report(
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    week: WeekOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
    month: Annotated[
        str | None,
        typer.Option("--month", help="Month like 2026-11: the monthly tab and the PDF report."),
    ] = None,
    all_accounts: AllAccountsOption = False,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Write the weekly follower and interaction analysis into the analysis tab."""

    def body() -> int:
        from postme.jobs import run_report
        from postme.weeks import parse_week

        ctx = Context(config, as_of, as_json, debug, quiet, lang)
        if month is not None and all_accounts:
            from postme.city import account_configs
            from postme.city.league import run_league
            from postme.monthly import parse_month

            league = run_league(
                ctx.settings,
                account_configs(ctx.settings, accounts_dir),
                parse_month(month),
                as_of=ctx.as_of,
                dry_run=dry_run,
            )
            if as_json:
                ctx.emit_json(league.to_json())
            else:
                ctx.render.league(league)
            return int(league.exit_code)
        if all_accounts:
            raise ConfigError(
                _("--all goes with --month on report (for weeks: postme weekly --all).")
            )
        if month is not None:
            from postme.monthly import parse_month, run_monthly

            monthly = run_monthly(
                ctx.settings, parse_month(month), as_of=ctx.as_of, dry_run=dry_run
            )
            ctx.show(monthly.to_json, lambda: typer.echo("\n".join(monthly.summary_lines())))
            return int(ExitCode.OK)
        chosen = parse_week(week) if week else None
        result = run_report(ctx.settings, ctx.as_of, week=chosen, dry_run=dry_run, now=ctx.now)
        ctx.show(
            lambda: (
                result.report.to_json()
                | {
                    "reasons": result.reasons,
                    "insights": result.insights.to_json() if result.insights else None,
                }
            ),
            lambda: ctx.render.weekly(result),
        )
        record.note_written(result.week.label, result.plan, result.written)
        return int(result.exit_code)

    record = RunRecord("report")
    _run(debug, body, as_json=as_json, record=record)


@app.command()
def weekly(
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    week: WeekOption = None,
    no_collect: Annotated[
        bool, typer.Option("--no-collect", help="Do not read Instagram this run.")
    ] = False,
    from_dir: FromDirOption = None,
    meta_csv: MetaCsvOption = None,
    dry_run: DryRunOption = False,
    all_accounts: AllAccountsOption = False,
    accounts_dir: AccountsDirOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """The weekly job for cron: collect, validate, slots, report, findings; one read, one write."""

    def body() -> int:
        from postme.jobs import run_weekly
        from postme.weeks import parse_week

        ctx = Context(config, as_of, as_json, debug, quiet, lang)
        _log_to_file()
        if all_accounts:
            return _weekly_city(ctx, accounts_dir, week, no_collect, dry_run, record)
        if accounts_dir is not None:
            raise ConfigError(_("--dir goes with --all."))
        source = None if no_collect else _source_or_error(ctx, from_dir, meta_csv)
        chosen = parse_week(week) if week else None
        with ctx.render.progress(enabled=not as_json) as progress:
            result = run_weekly(
                ctx.settings,
                ctx.as_of,
                source=source,
                week=chosen,
                dry_run=dry_run,
                now=ctx.now,
                progress=progress,
            )
        ctx.show(result.to_json, lambda: ctx.render.weekly(result))
        record.note_written(result.week.label, result.plan, result.written)
        return int(result.exit_code)

    record = RunRecord("weekly")
    _run(debug, body, as_json=as_json, record=record)


def _weekly_city(
    ctx: Context,
    folder: Path | None,
    week: str | None,
    no_collect: bool,
    dry_run: bool,
    record: RunRecord,
) -> int:
    from postme.city import CityOptions, account_configs, run_city
    from postme.weeks import parse_week

    configs = account_configs(ctx.settings, folder)
    with ctx.render.progress(enabled=not ctx.as_json) as progress:
        options = CityOptions(
            week=parse_week(week) if week else None,
            now=ctx.now,
            dry_run=dry_run,
            no_collect=no_collect,
            progress=lambda name, text: progress(f"{name}: {text}"),
        )
        result = run_city(ctx.settings, configs, ctx.as_of, options)
    ctx.show(result.to_json, lambda: ctx.render.city(result))
    record.note(result.week, result.rollup.cells if result.rollup else 0)
    return int(result.exit_code)


def _source_or_error(ctx: Context, from_dir: Path | None, meta_csv: Path | None) -> Any:
    import postme.jobs  # looked up at call time: tests replace postme.jobs.open_source

    try:
        return postme.jobs.open_source(ctx.settings, from_dir, meta_csv)
    except PostmeError as error:
        # No Instagram set up: say so, and still do the rest (exit 4 at the end).
        ctx.render.warning(str(error))
        return postme.jobs.FailingSource(error)


@app.command()
def demo(
    folder: Annotated[
        Path, typer.Argument(help="Where to put the demo workbook and Instagram snapshot.")
    ] = Path("postme-demo"),
    as_json: JsonOption = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Copy the demo workbook and Instagram snapshot to FOLDER and run weekly there, offline."""

    def body() -> int:
        from postme.demo import run_demo

        if lang:
            set_language(lang)
        ctx = Context(None, None, as_json, debug, lang=lang, load=False)
        with ctx.render.progress(enabled=not as_json) as progress:
            result, workbook = run_demo(folder, progress=progress)

        def draw() -> None:
            ctx.render.weekly(result)
            ctx.render.demo_done(workbook, folder)

        ctx.show(result.to_json, draw)
        return 0

    _run(debug, body, as_json=as_json)


@app.command()
def check(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Check the config, credentials, spreadsheet, tabs, columns and Instagram session."""

    def body() -> int:
        from postme.doctor import run_checks

        ctx = Context(config, None, as_json, debug, lang=lang, load=False)
        report_ = run_checks(config, language=lang)
        ctx.show(report_.to_json, lambda: ctx.render.checks(report_))
        return int(report_.exit_code)

    _run(debug, body, as_json=as_json)


@app.command()
def init(
    store: Annotated[
        str | None, typer.Option("--store", help="Where the planner is: xlsx or gsheets.")
    ] = None,
    path: Annotated[
        Path | None, typer.Option("--path", help="The Excel workbook (.xlsx) of the planner.")
    ] = None,
    spreadsheet: Annotated[
        str | None, typer.Option("--spreadsheet", help="URL or key of the Google Sheet.")
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help="Service-account key file (JSON) for a Google Sheet."),
    ] = None,
    instagram: Annotated[
        str | None, typer.Option("--instagram", help="Instagram username of the account.")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", help="id or en: messages and the headers of new tabs."),
    ] = None,
    tab: Annotated[
        str | None, typer.Option("--tab", help="The calendar tab (default: found by its name).")
    ] = None,
    dropdowns: Annotated[
        bool | None,
        typer.Option(
            "--dropdowns/--no-dropdowns",
            help="Add drop-down lists to the calendar's status, programme and format columns.",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ask nothing: use the flags and the defaults.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing config file.")
    ] = False,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the config.")
    ] = Path("postme.toml"),
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Write postme.toml for your planner, create the tabs postme writes to and, with
    --dropdowns, add drop-down lists to the calendar. Never changes what people typed."""

    def ask(question: str, choices: Any = (), default: str | None = None) -> str:
        for number, choice in enumerate(choices, 1):
            typer.echo(f"  {number}. {choice}", err=True)
        try:
            answer = typer.prompt(
                question, default=default or "", show_default=bool(default), err=True
            )
        except typer.Abort:
            raise ConfigError(
                _("No answer given. To run without questions use --yes with the flags.")
            ) from None
        return str(answer)

    def body() -> int:
        from postme.setup_wizard import InitOptions, run_init

        options = InitOptions(
            output, store, path, spreadsheet, key_file, instagram, language, tab, dropdowns, force
        )
        result = run_init(options, None if yes else ask)
        if as_json:
            write_json(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            for line in result.summary():
                typer.echo(line)
        return 0

    _run(debug, body, as_json=as_json)


@app.command()
def login(
    username: Annotated[str, typer.Argument(help="Instagram username of the account.")],
    config: ConfigOption = None,
    session_file: Annotated[
        Path | None, typer.Option("--session-file", help="Where to keep the session (mode 600).")
    ] = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Log in to Instagram once, by hand, and keep the session for cron runs."""

    def body() -> int:
        from postme.instagram.session import default_session_file
        from postme.instagram.session import login as do_login

        if lang:
            set_language(lang)
        path = session_file or default_session_file(username)
        # Asked here, before the login starts, so Ctrl-D is a plain "cancelled" (exit 2)
        # and not a failed login.
        password = _prompt_or_cancel(_("Instagram password"), hide_input=True)
        saved = do_login(
            username,
            password_prompt=lambda: password,
            code_prompt=lambda: typer.prompt(_("Two-factor code")),
            session_file=path,
        )
        from postme import render

        render.Renderer().login_done(username, saved)
        return 0

    _run(debug, body)


def _prompt_or_cancel(question: str, hide_input: bool = False) -> str:
    """A prompt whose end of input (Ctrl-D) cancels the command as a usage end (exit 2);
    Ctrl-C stays an interruption (exit 130)."""
    try:
        return str(typer.prompt(question, hide_input=hide_input))
    except typer.Abort as abort:
        if isinstance(abort.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        raise ConfigError(_("Cancelled: no password given. Nothing was saved.")) from None


@app.command()
def version() -> None:
    """Print the postme version."""
    import postme

    typer.echo(postme.__version__)


def _log_to_file() -> None:
    """Cron runs leave a log in the user log dir (secrets scrubbed)."""
    from platformdirs import user_log_dir

    from postme.secrets import ScrubbingFilter

    root = logging.getLogger("postme")
    for old in [h for h in root.handlers if getattr(h, "_postme_file", False)]:
        root.removeHandler(old)
        old.close()
    try:
        folder = Path(user_log_dir("postme"))
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(folder / "postme.log", encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.addFilter(ScrubbingFilter())
    handler.setLevel(logging.INFO)
    handler._postme_file = True  # type: ignore[attr-defined]
    root.addHandler(handler)


def _log_run_line(line: str) -> None:
    """The one line per run in the log file (README "Every week, automatically")."""
    from platformdirs import user_log_dir

    try:
        folder = Path(user_log_dir("postme"))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        with (folder / "postme.log").open("a", encoding="utf-8") as log_file:
            log_file.write(f"{stamp} {line}\n")
    except OSError:
        logging.getLogger("postme").debug("log file not writable", exc_info=True)


def main() -> None:
    app()
