"""Which comments need an answer, whether the account gave one, and by when (pure).

Each top-level comment on the account's posts is classified with the ``[comments]``
lexicon (Indonesian and English): ``urgent`` (crisis words) before ``complaint`` before
``question`` before ``other``. Spam and the account's own comments are dropped. A comment
is answered when the account replied in its thread; the first such reply is when. The
first answer is due ``response_days`` after the comment (SP4N-LAPOR!: 3 days).

postme only reads: it never replies to or likes a comment on the team's behalf.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from postme.config import CommentSettings
from postme.i18n import _

if TYPE_CHECKING:  # the record type only: reading comments (instaloader) is the edge's job
    from postme.instagram.comments import CommentRecord

Category = Literal["urgent", "complaint", "question", "other"]
NEEDS_ANSWER: tuple[Category, ...] = ("urgent", "complaint", "question")

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents or marks ("Kécéwa" → "kecewa"), for matching only."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Lexicon:
    """Phrases per category, each folded to words (or kept as a symbol such as "?")."""

    urgent: tuple[tuple[str, ...], ...]
    complaint: tuple[tuple[str, ...], ...]
    question: tuple[tuple[str, ...], ...]
    spam: tuple[tuple[str, ...], ...]

    @classmethod
    def from_settings(cls, settings: CommentSettings) -> Lexicon:
        def phrases(words: Sequence[str]) -> tuple[tuple[str, ...], ...]:
            out = []
            for word in words:
                tokens = tuple(_WORD.findall(fold(word)))
                out.append(tokens or (word.strip(),))  # "?": a symbol, matched as written
            return tuple(p for p in out if p and p[0])

        return cls(
            urgent=phrases(settings.urgent_words),
            complaint=phrases(settings.complaint_words),
            question=phrases(settings.question_words),
            spam=phrases(settings.spam_words),
        )


def _matches(text: str, tokens: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> bool:
    """Whether any phrase occurs as whole words (a symbol phrase: anywhere in the text)."""
    for phrase in phrases:
        if not _WORD.fullmatch(phrase[0]):
            if phrase[0] in text:
                return True
            continue
        size = len(phrase)
        for start in range(len(tokens) - size + 1):
            if tuple(tokens[start : start + size]) == phrase:
                return True
    return False


def classify(text: str, lexicon: Lexicon) -> Category | Literal["spam"]:
    folded = fold(text)
    tokens = _WORD.findall(folded)
    if _matches(folded, tokens, lexicon.spam):
        return "spam"
    if _matches(folded, tokens, lexicon.urgent):
        return "urgent"
    if _matches(folded, tokens, lexicon.complaint):
        return "complaint"
    if _matches(folded, tokens, lexicon.question):
        return "question"
    return "other"


@dataclass(frozen=True)
class RegisterEntry:
    """What the counts need of one comment: from this run, or read back from the register."""

    id: str
    created_at: dt.datetime  # aware
    category: Category
    answered_at: dt.datetime | None
    deadline: dt.datetime

    @property
    def needs_answer(self) -> bool:
        return self.category in NEEDS_ANSWER

    @property
    def answered_in_time(self) -> bool:
        return self.answered_at is not None and self.answered_at <= self.deadline

    @property
    def first_response(self) -> dt.timedelta | None:
        return None if self.answered_at is None else self.answered_at - self.created_at


@dataclass(frozen=True)
class AssessedComment:
    comment: CommentRecord
    category: Category
    answered_at: dt.datetime | None  # first reply by the account in the thread
    deadline: dt.datetime  # first answer due (aware UTC)
    overdue: bool  # needs an answer, none yet, deadline passed
    age_days: int  # whole days since the comment, at ``now``

    @property
    def needs_answer(self) -> bool:
        return self.category in NEEDS_ANSWER

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def answered_in_time(self) -> bool:
        return self.entry.answered_in_time

    @property
    def entry(self) -> RegisterEntry:
        c = self.comment
        return RegisterEntry(c.id, c.created_at, self.category, self.answered_at, self.deadline)


@dataclass(frozen=True)
class Assessment:
    comments: tuple[AssessedComment, ...]  # the register's rows, oldest first
    ignored_spam: int
    ignored_own: int


def assess(
    comments: Sequence[CommentRecord], settings: CommentSettings, now: dt.datetime
) -> Assessment:
    """Classify, find the account's answer and judge the deadline of every comment."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    lexicon = Lexicon.from_settings(settings)
    window = dt.timedelta(days=settings.response_days)
    rows: list[AssessedComment] = []
    spam = own = 0
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        if comment.by_account:
            own += 1
            continue
        category = classify(comment.text, lexicon)
        if category == "spam":
            spam += 1
            continue
        answers = [r.created_at for r in comment.replies if r.by_account]
        answered_at = min(answers) if answers else None
        deadline = comment.created_at + window
        overdue = category in NEEDS_ANSWER and answered_at is None and now > deadline
        age = max(0, (now - comment.created_at).days)
        rows.append(AssessedComment(comment, category, answered_at, deadline, overdue, age))
    return Assessment(tuple(rows), spam, own)


# --- what the weekly summary and the monthly report say ------------------------------------


def waiting(assessment: Assessment) -> list[AssessedComment]:
    """Comments that need an answer and have none, overdue first, then oldest first."""
    open_ = [c for c in assessment.comments if c.needs_answer and not c.answered]
    return sorted(open_, key=lambda c: (not c.overdue, c.comment.created_at))


def overdue_complaints(assessment: Assessment) -> list[AssessedComment]:
    """Unanswered complaints (urgent ones included) past their deadline: the exit-1 rule."""
    return [c for c in assessment.comments if c.overdue and c.category in ("urgent", "complaint")]


@dataclass(frozen=True)
class MonthCounts:
    month: str  # "2026-11"
    comments: int  # top-level comments by others, spam excluded
    complaints: int  # complaints and urgent comments
    questions: int
    needing_answer: int
    answered_in_time: int  # of those needing an answer
    answered_late: int
    unanswered: int
    median_first_response_hours: float | None  # over the answered ones; None when none


def month_counts(
    entries: Sequence[RegisterEntry], year: int, month: int, zone: dt.tzinfo
) -> MonthCounts:
    """The month's figures over comments dated in the month (in the team's timezone). Feed
    it ``read_register(tab, settings)`` (the register keeps every month) or
    ``[c.entry for c in assessment.comments]``."""
    rows = [
        e
        for e in entries
        if (local := e.created_at.astimezone(zone)).year == year and local.month == month
    ]
    needing = [e for e in rows if e.needs_answer]
    responses = [e.first_response for e in needing if e.first_response is not None]
    median = None
    if responses:
        median = round(statistics.median(r.total_seconds() for r in responses) / 3600, 1)
    return MonthCounts(
        month=f"{year:04d}-{month:02d}",
        comments=len(rows),
        complaints=sum(1 for e in rows if e.category in ("urgent", "complaint")),
        questions=sum(1 for e in rows if e.category == "question"),
        needing_answer=len(needing),
        answered_in_time=sum(1 for e in needing if e.answered_in_time),
        answered_late=sum(
            1 for e in needing if e.answered_at is not None and not e.answered_in_time
        ),
        unanswered=sum(1 for e in needing if e.answered_at is None),
        median_first_response_hours=median,
    )


def summary_lines(
    assessment: Assessment,
    response_days: int,
    *,
    closed: frozenset[str] = frozenset(),
    limit: int = 5,
) -> list[str]:
    """What needs an answer, for the top of the weekly summary: one line per kind (urgent,
    complaints, questions) with the overdue ones' links first. Rows the team closed in the
    register (``closed`` comment ids) are left out. Names and texts are never shown: the
    lines carry counts and post links only, so they are safe for logs and e-mail."""
    open_ = [c for c in waiting(assessment) if c.comment.id not in closed]
    lines: list[str] = []
    kinds = (
        ("urgent", _("{n} urgent comment(s) not answered, {late} past {days} days: {links}")),
        ("complaint", _("{n} complaint(s) not answered, {late} past {days} days: {links}")),
        ("question", _("{n} question(s) not answered, {late} past {days} days: {links}")),
    )
    for category, message in kinds:
        rows = [c for c in open_ if c.category == category]
        if not rows:
            continue
        shown = [
            _("{link} ({age} days)").format(link=c.comment.link, age=c.age_days)
            for c in rows[:limit]
        ]
        if len(rows) > limit:
            shown.append(_("and {n} more").format(n=len(rows) - limit))
        lines.append(
            message.format(
                n=len(rows),
                late=sum(1 for c in rows if c.overdue),
                days=response_days,
                links=", ".join(shown),
            )
        )
    return lines
