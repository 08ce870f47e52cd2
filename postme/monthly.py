"""The monthly report for the head of the Puskesmas and the Dinkes: the month's figures
(pure, over the history frames of :mod:`postme.history`), the run that writes the
``Laporan Bulanan`` tab and the one-page PDF, and the city league table.

Definitions (``docs/insights.md`` repeats them). A month is a calendar month in the
team's timezone.

Followers
    ``followers_start`` / ``followers_end``: the weekly analysis's boundary rule at the
    first day of the month and the first day of the next month (the latest snapshot on
    or before that day, if at most 6 days older); ``follower_growth`` = end − start,
    ``follower_growth_pct`` = growth / start × 100.
Posts and engagement
    ``posts``: Instagram posts dated in the month. ``interactions`` = likes + comments
    summed over the posts that have them. ``engagement_rate_pct`` = mean post ER
    (interactions / followers at posting time × 100, :mod:`postme.history`).
    ``engagement_per_1000`` = interactions per post per 1,000 followers at posting
    (= ER × 10), the league table's comparable figure.
    By programme / format / topic: the post's programme from the calendar (link, else the
    day's rows), its format from the post's type, its Dinkes promkes topic from
    ``[report.topics]`` (programme → topic; a programme not mapped, or a post with no
    programme, counts under "Lainnya"/"Other").
Plan
    ``planned`` = calendar rows dated in the month; ``published`` / ``cancelled`` at that
    stage; ``plan_adherence_pct`` = published / (planned − cancelled) × 100.
Health days and holidays
    ``days_due`` = the distinct dates in the month (up to ``as_of``) with a health day
    (shipped list and ``[health_days]``) or a national holiday; ``days_greeted`` = those
    with a published calendar row of the greeting programme
    (``[schedule] greeting_program``) on that date. ``greeting_coverage_pct`` =
    greeted / due × 100.
Top posts
    The three posts with the most interactions (ties: the earlier).
Comparisons
    The previous month and the same month a year before, computed the same way, shown
    only when the history has that month (a snapshot, a calendar row or a post in it).
Comments (issue 18; :class:`CommentFigures`)
    Counted from the ``Komentar`` register tab (which keeps every month) over the comments
    dated in the month: ``comments`` (rows; unknown with ``keep_other_text = false``, when
    "other" comments get no row), ``complaints`` (urgent included), ``needing_answer``
    (complaints, urgent and questions), ``answered_in_time`` (the account's first reply by
    the deadline), ``answered_in_time_pct`` = in time / (needing an answer − still open
    within their deadline at the run) × 100, ``median_first_response_hours`` over the
    answered ones. No register tab, or a register that starts after the month: every
    figure empty, with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postme.errors import ConfigError
from postme.i18n import _, get_language

if TYPE_CHECKING:
    import pandas as pd

    from postme.analysis import WeekReport
    from postme.calendar import Calendar
    from postme.comments import RegisterEntry
    from postme.config import Settings
    from postme.healthdays import SpecialDay
    from postme.history import ReadHistory
    from postme.metrics import FollowerPoint
    from postme.stores.base import Store, Tab, WritePlan

OTHER_TOPIC = ("Other", "Lainnya")
TOP_POSTS = 3


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return self.shift(1).start - dt.timedelta(days=1)

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return self.label


def parse_month(text: str) -> Month:
    """``2026-11`` → Month(2026, 11); a clear error otherwise."""
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise ConfigError(
            _("--month {value}: write the month as YYYY-MM, e.g. 2026-11.").format(value=text)
        )
    return Month(int(found.group(1)), int(found.group(2)))


def month_of(day: dt.date) -> Month:
    return Month(day.year, day.month)


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopPost:
    shortcode: str | None
    link: str | None
    posted_on: dt.date
    program: str | None
    format: str | None
    interactions: int
    engagement_rate_pct: float | None


@dataclass(frozen=True)
class GreetingDay:
    date: dt.date
    names: tuple[str, ...]
    greeted: bool


@dataclass(frozen=True)
class MonthFigures:
    """One month of one account (definitions in the module docstring)."""

    month: str
    followers_start: int | None
    followers_end: int | None
    follower_growth: int | None
    follower_growth_pct: float | None
    posts: int
    interactions: int | None
    engagement_rate_pct: float | None
    planned: int
    published: int
    cancelled: int
    plan_adherence_pct: float | None
    days_due: int
    days_greeted: int
    greeting_coverage_pct: float | None
    posts_by_program: tuple[tuple[str, int], ...]
    interactions_by_program: tuple[tuple[str, int | None], ...]
    posts_by_format: tuple[tuple[str, int], ...]
    posts_by_topic: tuple[tuple[str, int], ...]
    top_posts: tuple[TopPost, ...]
    special_days: tuple[GreetingDay, ...]
    has_data: bool

    @property
    def engagement_per_1000(self) -> float | None:
        return None if self.engagement_rate_pct is None else self.engagement_rate_pct * 10

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("top_posts", "special_days"):
                data[f.name] = [_plain(v) for v in value]
            elif f.name.startswith(("posts_by", "interactions_by")):
                data[f.name] = dict(value)
            else:
                data[f.name] = _round(value)
        data["engagement_per_1000"] = _round(self.engagement_per_1000)
        return data


def month_figures(
    month: Month,
    posts: pd.DataFrame,
    calendar: pd.DataFrame,
    followers: Sequence[FollowerPoint],
    special: Sequence[SpecialDay],
    *,
    greeting_program: str,
    topics: Mapping[str, str],
    as_of: dt.date,
    language: str = "id",
) -> MonthFigures:
    """The figures of ``month`` from the history frames (:func:`postme.history.post_frame`,
    :func:`postme.history.calendar_frame`) and the follower snapshots. ``special`` are the
    health days and holidays (:func:`postme.healthdays.special_days`) around the month."""
    import pandas as pd

    from postme.analysis import follower_change, known_followers, percent

    start, end = month.start, min(month.end, as_of)
    points = known_followers(followers, as_of)
    change = follower_change(
        points, month.start, month.shift(1).start if as_of >= month.end else None
    )

    in_month = posts[(posts["date"] >= start) & (posts["date"] <= end)]
    known = in_month["interactions"].dropna()
    rates = in_month["engagement_rate_pct"].dropna()
    rows = calendar[(calendar["date"].notna())]
    rows = rows[(rows["date"] >= start) & (rows["date"] <= month.end)]
    planned = len(rows)
    published = int((rows["stage"] == "published").sum())
    cancelled = int((rows["stage"] == "cancelled").sum())
    due_rows = planned - cancelled

    other = OTHER_TOPIC[1] if language == "id" else OTHER_TOPIC[0]
    topic_of = {name.casefold(): topic for name, topic in topics.items()}
    programs = in_month["program"].astype("object").where(in_month["program"].notna(), other)
    by_program = programs.value_counts()
    inter_by_program = in_month.assign(program=programs).groupby("program")["interactions"]
    topic_series = in_month["program"].map(
        lambda p: topic_of.get(str(p).casefold(), other) if isinstance(p, str) else other
    )
    formats = in_month["format"].astype("object").where(in_month["format"].notna(), other)

    greeted_dates = set(
        rows[(rows["stage"] == "published") & (rows["program"] == greeting_program)]["date"]
    )
    days: dict[dt.date, list[str]] = {}
    for item in special:
        if start <= item.date <= end and item.name not in days.setdefault(item.date, []):
            days[item.date].append(item.name)
    special_days = tuple(
        GreetingDay(day, tuple(names), day in greeted_dates) for day, names in sorted(days.items())
    )
    greeted = sum(1 for d in special_days if d.greeted)

    top = in_month[in_month["interactions"].notna()].sort_values(
        ["interactions", "posted_at"], ascending=[False, True], kind="stable"
    )
    top_posts = tuple(
        TopPost(
            shortcode=_text(r["shortcode"]),
            link=_text(r["link"]),
            posted_on=r["date"],
            program=_text(r["program"]),
            format=_text(r["format"]),
            interactions=int(r["interactions"]),
            engagement_rate_pct=None
            if pd.isna(r["engagement_rate_pct"])
            else float(r["engagement_rate_pct"]),
        )
        for _i, r in top.head(TOP_POSTS).iterrows()
    )
    month_points = [p for p in points if month.start <= p.date <= month.end]
    return MonthFigures(
        month=month.label,
        followers_start=change.start,
        followers_end=change.end,
        follower_growth=change.growth,
        follower_growth_pct=change.growth_pct,
        posts=len(in_month),
        interactions=int(known.sum()) if len(known) else None,
        engagement_rate_pct=float(rates.mean()) if len(rates) else None,
        planned=planned,
        published=published,
        cancelled=cancelled,
        plan_adherence_pct=percent(published, due_rows),
        days_due=len(special_days),
        days_greeted=greeted,
        greeting_coverage_pct=percent(greeted, len(special_days)),
        posts_by_program=_counts(by_program),
        interactions_by_program=tuple(
            (str(name), int(group.sum()) if group.notna().any() else None)
            for name, group in sorted(inter_by_program, key=lambda item: str(item[0]))
        ),
        posts_by_format=_counts(formats.value_counts()),
        posts_by_topic=_counts(topic_series.value_counts()),
        top_posts=top_posts,
        special_days=special_days,
        has_data=bool(len(in_month) or planned or month_points),
    )


# --- the comments of the month (the Komentar register) ----------------------------------------

# Why the comment figures of a month are empty, as (Indonesian, English).
COMMENT_REASONS: dict[str, tuple[str, str]] = {
    "no_register": (
        "tidak ada tab '{tab}' (register komentar): komentar tidak dihitung",
        "no '{tab}' tab (the comments register): comments not counted",
    ),
    "not_read": (
        "komentar tidak dibaca ([comments] enabled = false) dan tidak ada tab '{tab}'",
        "comments are not read ([comments] enabled = false) and there is no '{tab}' tab",
    ),
    "before_register": (
        "register '{tab}' dimulai {date}, sesudah bulan ini",
        "the '{tab}' register starts on {date}, after this month",
    ),
}


@dataclass(frozen=True)
class CommentFigures:
    """The month's comments from the register (definitions in the module docstring).
    With ``reason`` set every count is None: unknown, not 0."""

    comments: int | None
    complaints: int | None
    questions: int | None
    needing_answer: int | None
    answered_in_time: int | None
    answered_late: int | None
    unanswered: int | None
    still_open: int | None  # not answered, deadline not passed at the run
    answered_in_time_pct: float | None
    median_first_response_hours: float | None
    response_days: int
    tab: str
    reason: str | None = None  # a key of COMMENT_REASONS
    register_starts: dt.date | None = None

    @property
    def known(self) -> bool:
        return self.reason is None

    @property
    def judged(self) -> int | None:
        """Comments needing an answer whose fate is known: answered, or past the deadline
        (the base of ``answered_in_time_pct``)."""
        if self.needing_answer is None or self.still_open is None:
            return None
        return self.needing_answer - self.still_open

    def reason_text(self, language: str | None = None) -> str | None:
        """Why the figures are empty, in ``language`` (default: the run's)."""
        from postme.words import LANGUAGES

        if self.reason is None:
            return None
        chosen = language if language in LANGUAGES else get_language()
        pair = COMMENT_REASONS[self.reason]
        starts = "" if self.register_starts is None else self.register_starts.isoformat()
        return (pair[1] if chosen == "en" else pair[0]).format(tab=self.tab, date=starts)

    def to_json(self) -> dict[str, object]:
        data = {f.name: _round(getattr(self, f.name)) for f in fields(self)}
        data["reason_text"] = self.reason_text("en")
        return data


def comment_figures(
    month: Month,
    register: Sequence[RegisterEntry] | None,
    settings: Settings,
    *,
    now: dt.datetime,
) -> CommentFigures:
    """The month's figures from the register rows (:func:`postme.comments_tab.read_register`);
    ``register`` None: the tab is absent."""
    from postme.analysis import percent
    from postme.comments import month_counts

    options = settings.comments

    def unknown(reason: str, starts: dt.date | None = None) -> CommentFigures:
        nothing = (None,) * 10  # every count: unknown
        return CommentFigures(*nothing, options.response_days, options.tab, reason, starts)

    if register is None:
        return unknown("no_register" if options.enabled else "not_read")
    starts = min((e.created_at for e in register), default=None)
    first_day = None if starts is None else starts.astimezone(settings.zone).date()
    if first_day is not None and first_day > month.end:
        return unknown("before_register", first_day)
    counts = month_counts(register, month.year, month.month, settings.zone)
    # An unanswered comment whose deadline is still ahead is neither in time nor late yet.
    open_ = [e for e in register if e.answered_at is None and e.deadline > now]
    still_open = month_counts(open_, month.year, month.month, settings.zone).needing_answer
    judged = counts.needing_answer - still_open
    return CommentFigures(
        comments=counts.comments if options.keep_other_text else None,
        complaints=counts.complaints,
        questions=counts.questions,
        needing_answer=counts.needing_answer,
        answered_in_time=counts.answered_in_time,
        answered_late=counts.answered_late,
        unanswered=counts.unanswered,
        still_open=still_open,
        answered_in_time_pct=percent(counts.answered_in_time, judged),
        median_first_response_hours=counts.median_first_response_hours,
        response_days=options.response_days,
        tab=options.tab,
        register_starts=first_day,
    )


# --- the report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyReport:
    """The month, its comparisons, and the weekly series for the charts."""

    account: str
    figures: MonthFigures
    previous: MonthFigures | None  # None when the history has nothing that month
    last_year: MonthFigures | None
    weeks: tuple[WeekReport, ...]  # ISO weeks touching the month, for the charts
    generated_on: dt.date
    comments: CommentFigures  # from the Komentar register, or empty with the reason

    def to_json(self) -> dict[str, object]:
        return {
            "account": self.account,
            "month": self.figures.to_json(),
            "comments": self.comments.to_json(),
            "previous_month": None if self.previous is None else self.previous.to_json(),
            "same_month_last_year": None if self.last_year is None else self.last_year.to_json(),
            "weeks": [
                {
                    "week": w.week,
                    "followers_end": w.followers_end,
                    "engagement_rate_pct": _round(w.engagement_rate_pct),
                }
                for w in self.weeks
            ],
            "generated_on": self.generated_on.isoformat(),
        }


def build_monthly_report(
    month: Month,
    calendar: Calendar,
    followers: Sequence[FollowerPoint],
    posts: Sequence[Any],
    settings: Settings,
    *,
    as_of: dt.date,
    now: dt.datetime,
    special: Callable[[dt.date, dt.date], Sequence[SpecialDay]] | None = None,
    register: Sequence[RegisterEntry] | None = None,
) -> MonthlyReport:
    """The month's report from data already read. ``special(start, end)`` gives the
    health days and holidays (default: the shipped list, the config's and the
    ``holidays`` package's). ``register``: the rows of the ``Komentar`` tab
    (:func:`postme.comments_tab.read_register`); None when the tab is absent."""
    from postme.history import calendar_frame, post_frame, weekly_history
    from postme.weeks import week_of

    special = special or _special_days(settings)
    post_table = post_frame(posts, followers, calendar, settings)
    calendar_table = calendar_frame(calendar)

    def figures(which: Month) -> MonthFigures:
        return month_figures(
            which,
            post_table,
            calendar_table,
            followers,
            special(which.start, which.end),
            greeting_program=_greeting(settings),
            topics=settings.report.topics,
            as_of=as_of,
            language=settings.language,
        )

    current = figures(month)
    previous = figures(month.shift(-1))
    last_year = figures(month.shift(-12))
    first, last = week_of(month.start), week_of(month.end)
    count = (last.start - first.start).days // 7 + 1
    weeks = weekly_history(
        calendar, followers, posts, settings, last_week=last, weeks=count, now=now, as_of=as_of
    )
    return MonthlyReport(
        account=report_title(settings),
        figures=current,
        previous=previous if previous.has_data else None,
        last_year=last_year if last_year.has_data else None,
        weeks=tuple(weeks),
        generated_on=as_of,
        comments=comment_figures(month, register, settings, now=now),
    )


def report_title(settings: Settings) -> str:
    """The name on the report: ``[report] title``, else the account's short name or
    Instagram username, else the workbook's file name (never a whole path)."""
    if settings.report.title or settings.account or settings.instagram.username:
        return settings.report.title or settings.account or str(settings.instagram.username)
    if settings.sheet.backend == "xlsx" and settings.sheet.path is not None:
        return settings.sheet.path.stem
    return settings.sheet_label


def _greeting(settings: Settings) -> str:
    wanted = settings.schedule.greeting_program.casefold()
    for program in settings.programs:
        if program.name.casefold() == wanted or wanted in (a.casefold() for a in program.aliases):
            return program.name
    return settings.schedule.greeting_program


def _special_days(settings: Settings) -> Callable[[dt.date, dt.date], Sequence[SpecialDay]]:
    from postme.healthdays import load_health_day_rules, special_days

    rules = load_health_day_rules(settings.health_days.days, settings.health_days.replace)

    def between(start: dt.date, end: dt.date) -> Sequence[SpecialDay]:
        return special_days(
            start,
            end,
            rules,
            include_holidays=True,
            include_cuti_bersama=settings.schedule.include_cuti_bersama,
        )

    return between


# --- the run ---------------------------------------------------------------------------------


@dataclass
class MonthlyResult:
    report: MonthlyReport
    plan: WritePlan
    written: bool
    dry_run: bool
    pdf_path: Path | None
    store_name: str
    tab: str

    def summary_lines(self) -> list[str]:
        f = self.report.figures
        lines = [
            _(
                "Monthly report {month}: {posts} posts, engagement rate {rate}%, plan adherence "
                "{adherence}%, follower growth {growth}."
            ).format(
                month=f.month,
                posts=f.posts,
                rate=_text_number(f.engagement_rate_pct),
                adherence=_text_number(f.plan_adherence_pct),
                growth=_text_number(f.follower_growth),
            ),
            _("Health days and holidays greeted: {greeted} of {due}.").format(
                greeted=f.days_greeted, due=f.days_due
            ),
            comments_line(self.report.comments),
        ]
        if self.dry_run:
            lines.append(_("Dry run: nothing written, no PDF made."))
        else:
            lines.append(
                _("Tab '{tab}' in {store}: {state}.").format(
                    tab=self.tab,
                    store=self.store_name,
                    state=_("updated") if self.written else _("already up to date"),
                )
            )
        if self.pdf_path is not None:
            lines.append(_("PDF report: {path}").format(path=self.pdf_path))
        return lines

    def to_json(self) -> dict[str, object]:
        return {
            **self.report.to_json(),
            "written": {
                "store": self.store_name,
                "tab": self.tab,
                "dry_run": self.dry_run,
                "written": self.written,
                "cells": self.plan.cell_count(),
                "pdf": None if self.pdf_path is None else str(self.pdf_path),
            },
        }


def comments_line(c: CommentFigures) -> str:
    """The summary's line on the month's comments (counts only: no names, no texts)."""
    if not c.known:
        return _("Comments: not counted, {reason}.").format(reason=c.reason_text())
    return _(
        "Comments: {comments} ({complaints} complaints, {questions} questions); answered "
        "within {days} days: {in_time} of {judged} ({pct}%), {open} more still within the "
        "deadline; median first response {hours} hours."
    ).format(
        comments=_text_number(c.comments),
        complaints=c.complaints,
        questions=c.questions,
        days=c.response_days,
        in_time=c.answered_in_time,
        judged=c.judged,
        pct=_text_number(c.answered_in_time_pct),
        open=c.still_open,
        hours=_text_number(c.median_first_response_hours),
    )


def default_pdf_path(settings: Settings, month: Month) -> Path:
    """``<output_dir>/laporan-<account>-2026-11.pdf``; output_dir relative to the config."""
    base = settings.source.parent if settings.source is not None else Path.cwd()
    folder = settings.report.output_dir or Path(".")
    if not folder.is_absolute():
        folder = base / folder
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", report_title(settings))
    prefix = "laporan" if settings.language == "id" else "report"
    return folder / f"{prefix}-{name.strip('-').lower() or 'postme'}-{month.label}.pdf"


def read_monthly_report(
    settings: Settings,
    month: Month,
    *,
    as_of: dt.date,
    store: Store | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """One account's month, read and computed, nothing written: what a city run calls
    per account before :func:`league_table`."""
    from postme.comments_job import comments_request
    from postme.history import read_history

    history = read_history(settings, store, [comments_request(settings)])
    return _month_of(history, month, settings, as_of, now or dt.datetime.now(settings.zone))


def _month_of(
    history: ReadHistory, month: Month, settings: Settings, as_of: dt.date, now: dt.datetime
) -> MonthlyReport:
    """The month's report from what :func:`postme.history.read_history` read."""
    return build_monthly_report(
        month,
        history.data.calendar,
        history.followers,
        history.posts,
        settings,
        as_of=as_of,
        now=now,
        register=_register(history.data.tab(settings.comments.tab), settings),
    )


def _register(tab: Tab | None, settings: Settings) -> list[RegisterEntry] | None:
    """The register's rows, None when the tab is absent (an empty tab is no rows)."""
    from postme.comments_tab import read_register

    return None if tab is None else read_register(tab, settings)


def run_monthly(
    settings: Settings,
    month: Month,
    *,
    as_of: dt.date,
    store: Store | None = None,
    clock_now: dt.datetime | None = None,
    dry_run: bool = False,
    pdf_path: Path | None = None,
    render_pdf: bool = True,
) -> MonthlyResult:
    """``postme report --month``: one read, the ``Laporan Bulanan`` row of the month
    upserted, and the PDF written (not with ``dry_run``)."""
    from postme.comments_job import comments_request
    from postme.history import read_history
    from postme.insights_tabs import plan_monthly_tab
    from postme.jobs import open_store, spreadsheet_lock
    from postme.stores.base import TabRequest, WritePlan

    store = store or open_store(settings)
    stamp = clock_now or dt.datetime.now(settings.zone)
    with spreadsheet_lock(store):
        monthly_tab = TabRequest(title=settings.report.tab, header_row=1, required=False)
        history = read_history(settings, store, [monthly_tab, comments_request(settings)])
        data = history.data
        report = _month_of(history, month, settings, as_of, stamp)
        plan = WritePlan()
        plan_monthly_tab(plan, data.tab(settings.report.tab), report, settings, updated_at=stamp)
        if not dry_run:
            store.write(plan)
    path: Path | None = None
    if render_pdf and not dry_run:
        from postme.report_pdf import render_monthly_pdf

        path = pdf_path or default_pdf_path(settings, month)
        render_monthly_pdf(report, settings, path)
    return MonthlyResult(
        report=report,
        plan=plan,
        written=not dry_run and not plan.is_empty(),
        dry_run=dry_run,
        pdf_path=path,
        store_name=store.name,
        tab=settings.report.tab,
    )


# --- the city league table -------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    rank: int
    account: str
    engagement_per_1000: float | None
    posts: int
    plan_adherence_pct: float | None
    greeting_coverage_pct: float | None
    follower_growth: int | None
    follower_growth_pct: float | None
    best_post: TopPost | None


def league_table(accounts: Mapping[str, MonthFigures]) -> list[LeagueRow]:
    """The city's accounts for one month, best first: by engagement per 1,000 followers,
    then plan adherence, then posts, then name; an account with no engagement figure goes
    last (missing is not 0). Each row carries the account's best post of the month."""
    import pandas as pd

    records = [
        {
            "account": name,
            "engagement_per_1000": f.engagement_per_1000,
            "posts": f.posts,
            "plan_adherence_pct": f.plan_adherence_pct,
            "greeting_coverage_pct": f.greeting_coverage_pct,
            "follower_growth": f.follower_growth,
            "follower_growth_pct": f.follower_growth_pct,
        }
        for name, f in accounts.items()
    ]
    columns = [
        "account",
        "engagement_per_1000",
        "posts",
        "plan_adherence_pct",
        "greeting_coverage_pct",
        "follower_growth",
        "follower_growth_pct",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame = frame.sort_values(
        ["engagement_per_1000", "plan_adherence_pct", "posts", "account"],
        ascending=[False, False, False, True],
        na_position="last",
        kind="stable",
    )
    rows = []
    for rank, (_i, r) in enumerate(frame.iterrows(), start=1):
        figures = accounts[str(r["account"])]
        rows.append(
            LeagueRow(
                rank=rank,
                account=str(r["account"]),
                engagement_per_1000=figures.engagement_per_1000,
                posts=figures.posts,
                plan_adherence_pct=figures.plan_adherence_pct,
                greeting_coverage_pct=figures.greeting_coverage_pct,
                follower_growth=figures.follower_growth,
                follower_growth_pct=figures.follower_growth_pct,
                best_post=figures.top_posts[0] if figures.top_posts else None,
            )
        )
    return rows


# --- helpers ----------------------------------------------------------------------------------


def _counts(series: pd.Series[Any]) -> tuple[tuple[str, int], ...]:
    pairs = [(str(k), int(v)) for k, v in series.items()]
    return tuple(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))


def _text_number(value: float | int | None) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _round(value: object) -> object:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _plain(value: object) -> dict[str, object]:
    return {f.name: _round(getattr(value, f.name)) for f in fields(value)}  # type: ignore[arg-type]
