"""Rich output for people: part of the CLI layer (only ``cli.py`` imports this).

Tables fit an 80-column terminal; colour is off when stdout is not a terminal or
``NO_COLOR`` is set (Rich does both); ``--quiet`` prints only problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from postme.i18n import _, get_language
from postme.rules import rule_name
from postme.stores.base import CellShortened
from postme.words import weekday_name

if TYPE_CHECKING:
    from postme.doctor import CheckReport
    from postme.jobs import CollectResult, WeeklyResult
    from postme.policy import ValidationResult
    from postme.slots import SlotResult

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    label = escape(_("Error"))
    # Not wrapped: a message stays one line in logs and for grep.
    err.print(f"[red]{label}:[/red] {escape(message)}", soft_wrap=True)


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}{suffix}"
    if isinstance(value, int):
        return f"{value:,}{suffix}"
    return f"{value}{suffix}"


def _signed(value: Any, suffix: str = "") -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ""
    return sign + _fmt(value, suffix)


class Renderer:
    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def warning(self, message: str) -> None:
        label = escape(_("Warning"))
        err.print(f"[yellow]{label}:[/yellow] {escape(message)}", soft_wrap=True)

    @contextmanager
    def progress(self, enabled: bool = True) -> Iterator[Callable[[str], None]]:
        """A spinner on stderr with the current step; silent when not a terminal."""
        if not enabled or self.quiet or not err.is_terminal:
            yield lambda message: None
            return
        with err.status(_("Working …")) as status:
            yield lambda message: status.update(escape(message))

    # --- validate -------------------------------------------------------------------------

    def validation(self, result: ValidationResult, title: str | None = None) -> None:
        findings = result.findings
        if not findings:
            if not self.quiet:
                out.print(
                    "[green]✓[/green] "
                    + _("{rows} rows checked, no problems.").format(rows=result.rows_checked)
                )
            return
        table = Table(title=title or _("Policy findings"), show_lines=False, expand=False)
        table.add_column(_("Row"), justify="right", no_wrap=True)
        table.add_column(_("Cell"), no_wrap=True)
        table.add_column(_("Rule"), no_wrap=True)
        table.add_column(_("Problem"), overflow="fold")
        previous_row = None
        for finding in findings:
            if self.quiet and finding.severity != "error":
                continue
            colour = "red" if finding.severity == "error" else "yellow"
            row_label = "" if finding.row == previous_row else str(finding.row)
            previous_row = finding.row
            table.add_row(
                row_label,
                finding.cell,
                f"[{colour}]{escape(rule_name(finding.rule))}[/{colour}]",
                escape(finding.message),
            )
        out.print(table)
        out.print(
            _("{rows} rows checked: {errors} errors, {warnings} warnings.").format(
                rows=result.rows_checked, errors=result.errors, warnings=result.warnings
            )
        )

    # --- slots ----------------------------------------------------------------------------

    def slots(self, result: SlotResult, language: str | None = None) -> None:
        grid = result.grid
        if not self.quiet:
            table = Table(title=_("Week {week}").format(week=result.week.label))
            table.add_column(_("Programme"), no_wrap=True)
            days = result.week.days()
            for day in days:
                table.add_column(
                    f"{weekday_name(day.weekday(), language)[:3]} {day.day}", justify="center"
                )
            for program in grid.programs:
                cells = [_grid_cell(grid, day, program) for day in days]
                table.add_row(escape(program), *cells)
            out.print(table)
            legend = _("✓ published  ✗ missed  ○ planned  – cancelled  ! in the plan, no row")
            out.print(escape(legend))
        for finding in result.findings:
            if self.quiet and finding.kind not in ("missed", "not-found"):
                continue
            colour = "red" if finding.kind in ("missed", "not-found") else "yellow"
            out.print(f"[{colour}]{escape(finding.kind)}[/{colour}]: {escape(finding.message)}")

    # --- collect --------------------------------------------------------------------------

    def collect(self, result: CollectResult, dry_run: bool) -> None:
        data = result.to_json()
        if data["account"]:
            account = data["account"]
            out.print(
                _("@{user}: {followers} followers, {posts} posts.").format(
                    user=account["username"],
                    followers=_fmt(account["followers"]),
                    posts=_fmt(account["posts"]),
                )
            )
        out.print(
            _(
                "{seen} posts read, {new} new and {updated} updated rows ({requests} requests)."
            ).format(
                seen=data["posts_seen"],
                new=data["posts_new"],
                updated=data["posts_updated"],
                requests=data["requests_used"],
            )
        )
        for note in data["notes"]:
            self.warning(note)
        if dry_run:
            self._plan(result.plan)

    # --- weekly ---------------------------------------------------------------------------

    def weekly(self, result: WeeklyResult) -> None:  # noqa: C901  # one line per figure, in order
        report = result.report
        if not self.quiet:
            out.rule(
                _("postme — week {week} ({start} – {end})").format(
                    week=report.week, start=report.start, end=report.end
                )
            )
            # What needs an answer comes first: the complaints team acts on it today.
            comment_lines = result.comments.summary_lines() if result.comments else []
            for line in comment_lines:
                out.print(f"[bold yellow]![/bold yellow] {escape(line)}")
            table = Table(show_header=False, box=None, pad_edge=False)
            table.add_column(style="bold")
            table.add_column()
            table.add_row(
                _("Followers"),
                f"{_fmt(report.followers_start)} → {_fmt(report.followers_end)}  "
                f"({_signed(report.follower_growth)}, {_signed(report.follower_growth_pct, '%')})",
            )
            table.add_row(
                _("Plan adherence"),
                _("{pct} ({published} of {planned} planned posts published)").format(
                    pct=_fmt(report.plan_adherence_pct, "%"),
                    published=report.published,
                    planned=report.planned - report.cancelled,
                ),
            )
            table.add_row(
                _("Engagement rate"),
                _("{er} per post ({posts} posts, {interactions} likes + comments)").format(
                    er=_fmt(report.engagement_rate_pct, "%"),
                    posts=report.posts,
                    interactions=_fmt(report.interactions),
                ),
            )
            if report.top_post:
                table.add_row(_("Top post"), escape(str(report.top_post)))
            if report.top_program:
                table.add_row(_("Top programme"), escape(str(report.top_program)))
            out.print(table)
            if result.insights is not None:  # best time, trends and mix from the history
                for line in result.insights.summary(get_language()):
                    out.print(f"  {escape(line)}")
            for reason in dict.fromkeys(result.reasons.values()):  # why a figure is empty
                out.print(f"  [dim]– {escape(reason)}[/dim]")
        for cleaned in result.write_report.shortened if result.write_report else ():
            self.warning(cleaned_cell_message(cleaned))
        if result.collect is not None:
            if result.collect.error:
                self.warning(_("Instagram: {error}").format(error=result.collect.error))
            elif result.collect.collection is not None:
                for note in result.collect.collection.notes:
                    self.warning(_("Instagram: {error}").format(error=note))
        missed = [f for f in result.slots.findings if f.kind in ("missed", "not-found")]
        if missed:
            label = escape(_("Missed posts"))
            out.print(f"[red]{label}:[/red]")
            for slot in missed:
                out.print(f"  • {escape(_first_sentence(slot.message))}")
        errors = [f for f in result.validation.findings if f.severity == "error"]
        if errors:
            out.print(
                "[red]"
                + escape(_("Fix in the calendar"))
                + "[/red] "
                + _("({n} errors; all findings are in the tab '{tab}'):").format(
                    n=len(errors), tab=result.findings_tab
                )
            )
            for finding in errors[:8]:
                out.print(
                    f"  • {finding.cell or finding.row} {escape(rule_name(finding.rule))}: "
                    f"{escape(_first_sentence(finding.message))}"
                )
        others = [
            f
            for f in result.slots.findings
            if f.kind in ("upcoming-day", "unplanned", "empty-day", "off-plan")
        ]
        if others and not self.quiet:
            label = escape(_("Coming up and gaps in the plan"))
            out.print(f"[yellow]{label}:[/yellow]")
            for slot in others[:10]:
                out.print(f"  • {escape(_first_sentence(slot.message))}")
        if not self.quiet:
            if result.dry_run:
                self._plan(result.plan)
            elif result.written:
                written = result.write_report
                cells = written.cells_written if written else result.plan.cell_count()
                out.print(
                    "[green]✓[/green] "
                    + _("Written to {store}: {cells} cells.").format(
                        store=escape(result.store_name), cells=cells
                    )
                )
                if written is not None and written.tabs_added:
                    out.print(
                        "  "
                        + _("New tabs: {tabs}.").format(
                            tabs=", ".join(f"'{t}'" for t in written.tabs_added)
                        )
                    )
            else:
                out.print("[green]✓[/green] " + _("Nothing changed in the spreadsheet."))

    def league(self, result: Any) -> None:
        """The city's monthly league table (postme.city.league)."""
        table = Table(title=_("Monthly league {month}").format(month=result.month.label))
        for header in (_("Rank"), _("Account"), _("ER per 1,000"), _("Posts"), _("Adherence")):
            table.add_column(header)
        for row in result.rows:
            table.add_row(
                str(row.rank),
                escape(row.account),
                _fmt(row.engagement_per_1000),
                str(row.posts),
                _fmt(row.plan_adherence_pct, "%"),
            )
        out.print(table)
        for account, why in result.failed.items():
            self.warning(_("{account}: not in the table: {why}").format(account=account, why=why))
        if result.error:
            self.warning(result.error)
        elif result.written:
            out.print(
                "[green]✓[/green] "
                + _("Written to {store}: tab '{tab}'.").format(
                    store=escape(result.store_name), tab=escape(result.tab)
                )
            )

    def _plan(self, plan: Any) -> None:
        out.print(_("Dry run: nothing written. Would write:"))
        for tab in plan.new_tabs:
            out.print("  + " + _("new tab '{tab}'").format(tab=escape(tab.title)))
        for write in plan.writes[:40]:
            first = write.values[0] if write.values else ()
            preview = ", ".join("" if v is None else str(v) for v in first)[:70]
            out.print(f"  {escape(write.a1)}  {escape(preview)}")
        if len(plan.writes) > 40:
            out.print("  " + _("… and {n} more ranges").format(n=len(plan.writes) - 40))

    # --- city roll-up --------------------------------------------------------------------

    def city(self, result: Any) -> None:
        table = Table(title=_("Accounts, week {week}").format(week=result.week))
        table.add_column(_("Account"), overflow="fold")
        table.add_column(_("Status"), no_wrap=True)
        table.add_column(_("Followers"), justify="right")
        table.add_column(_("Adherence"), justify="right")
        table.add_column(_("ER"), justify="right")
        table.add_column(_("Message"), overflow="fold")
        colours = {"ok": "green", "findings": "yellow", "partial": "yellow", "failed": "red"}
        for account in result.accounts:
            if self.quiet and account.status == "ok":
                continue
            colour = colours.get(account.status, "white")
            table.add_row(
                escape(account.name),
                f"[{colour}]{escape(account.status)}[/{colour}] ({account.exit_code})",
                _fmt(account.followers_end),
                _fmt(account.plan_adherence_pct, "%"),
                _fmt(account.engagement_rate_pct, "%"),
                escape(account.message or ""),
            )
        out.print(table)
        counts = ", ".join(f"{status}: {n}" for status, n in result.counts().items())
        out.print(_("{n} accounts ({counts}).").format(n=len(result.accounts), counts=counts))
        rollup = result.rollup
        if rollup is not None:
            if rollup.error:
                error(rollup.error)
            elif rollup.written:
                out.print(
                    "[green]✓[/green] "
                    + _("Roll-up: {rows} rows in '{tab}'.").format(rows=rollup.rows, tab=rollup.tab)
                )

    # --- check, demo, login ---------------------------------------------------------------

    def checks(self, report: CheckReport) -> None:
        for item in report.items:
            mark = {"ok": "[green]✓[/green]", "warn": "[yellow]![/yellow]"}.get(
                item.status, "[red]✗[/red]"
            )
            out.print(f"{mark} {escape(item.label)}: {escape(item.detail)}")
            if item.fix and item.status != "ok":
                out.print(f"    → {escape(item.fix)}")

    def demo_done(self, workbook: Path, folder: Path) -> None:
        out.print(
            _(
                "Demo workbook updated: {path}. Open it to see the tabs '{tab}' and '{findings}'."
            ).format(path=workbook, tab="Analisis Mingguan", findings="Temuan")
        )
        out.print(_("Run it again: {command}").format(command=demo_command(folder)))

    def login_done(self, username: str, path: Path) -> None:
        out.print(
            "[green]✓[/green] "
            + _("Session for @{user} saved in {path} (only you can read it).").format(
                user=username, path=path
            )
        )
        out.print(
            _(
                "Cron and Task Scheduler runs use this session; they never log in. "
                'Set [instagram] username = "{user}" in postme.toml.'
            ).format(user=username)
        )


def _first_sentence(message: str) -> str:
    """The first sentence of a finding's message, for the ten-second summary."""
    head, dot, _rest = message.partition(". ")
    return head + "." if dot else message


def _grid_cell(grid: Any, day: dt.date, program: str) -> str:
    cell = grid.cell(day, program)
    if cell is None:
        return ""
    marks: str = (
        "[green]✓[/green]" * cell.published
        + "[red]✗[/red]" * cell.missed
        + "○" * cell.pending
        + "–" * cell.cancelled
    )
    if not marks and cell.slot:
        marks = "[yellow]![/yellow]"
    return marks


def demo_command(folder: Path) -> str:
    """The command that reproduces the demo from where it was run: this interpreter (a
    checkout's ``.venv/bin/python`` after ``make demo``; ``postme`` need not be on the
    PATH) and the demo's folder, relative when they are under the current directory."""
    import shlex
    import sys

    def shown(path: Path) -> str:
        try:
            return str(path.absolute().relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    python = shown(Path(sys.executable))
    if "/" not in python and "\\" not in python:
        python = f"./{python}"
    return shlex.join([python, "-m", "postme", "demo", shown(folder)])


def cleaned_cell_message(cleaned: CellShortened) -> str:
    """Which cell the store had to change to write it, and how (XML-illegal characters
    removed, or shortened to the cell limit)."""
    where = f"'{cleaned.tab}'!{cleaned.cell}"
    if cleaned.written_length < cleaned.original_length - cleaned.removed_characters:
        return _(
            "{cell}: the value had {n} characters, more than a cell holds; it was shortened "
            "and ends with a marker."
        ).format(cell=where, n=cleaned.original_length)
    return _(
        "{cell}: {n} characters a spreadsheet cannot hold (e.g. half an emoji) were removed."
    ).format(cell=where, n=cleaned.removed_characters)
