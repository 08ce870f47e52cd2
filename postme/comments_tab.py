"""The ``Komentar`` tab (Register Umpan Balik): one row per comment that the team may have
to answer, upserted by comment id (pure).

postme owns the first columns and rewrites them when a comment changes (answered,
overdue). The last four (Tindak lanjut, PIC, Kategori LAPOR, Selesai) belong to the team:
postme creates them empty and never writes them. A row whose ``Selesai`` cell is filled
is closed: postme does not touch it again (its category and answered state stay as the
team left them). Comment ids are written as text: 17-18 digits do not fit a number cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from postme.comments import AssessedComment, Assessment, Category, RegisterEntry
from postme.config import Settings
from postme.metrics import local_text, to_aware
from postme.parsing import parse_datetime_cell
from postme.stores.base import Cell, SheetRow, Tab, WritePlan
from postme.stores.upsert import plan_upsert

# postme's columns, then the team's.
OWN_HEADERS = {
    "id": (
        "ID Komentar",
        "Postingan",
        "Tanggal",
        "Pengomentar",
        "Komentar",
        "Kategori",
        "Dijawab",
        "Dijawab Pada",
        "Tenggat",
        "Lewat Tenggat",
    ),
    "en": (
        "Comment ID",
        "Post",
        "Date",
        "Commenter",
        "Comment",
        "Category",
        "Answered",
        "Answered At",
        "Deadline",
        "Overdue",
    ),
}
TEAM_HEADERS = {
    "id": ("Tindak lanjut", "PIC", "Kategori LAPOR", "Selesai"),
    "en": ("Follow-up", "PIC", "LAPOR category", "Closed"),
}
CATEGORY_WORDS: dict[str, dict[Category, str]] = {
    "id": {
        "urgent": "mendesak",
        "complaint": "keluhan",
        "question": "pertanyaan",
        "other": "lainnya",
    },
    "en": {"urgent": "urgent", "complaint": "complaint", "question": "question", "other": "other"},
}
YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}
# Of postme's columns, the ones that follow the comment's state (the id is the key). The
# others (link, date, commenter, text, category) are written once, with the new row, so a
# correction a person types there stays.
STATE_COLUMNS = (0, 6, 7, 8, 9)


def comment_headers(language: str) -> tuple[str, ...]:
    """Every header of the tab, postme's first and the team's last."""
    return OWN_HEADERS[language] + TEAM_HEADERS[language]


def _column(tab: Tab | None, header: str) -> int | None:
    return None if tab is None else tab.column_index(header)


def _text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def register_ids(tab: Tab | None, language: str, *, closed_only: bool = False) -> frozenset[str]:
    """Ids of the register's rows (only those the team closed, ``Selesai`` filled, with
    ``closed_only``)."""
    id_col = _column(tab, OWN_HEADERS[language][0])
    done_col = _column(tab, TEAM_HEADERS[language][3])
    if tab is None or id_col is None:
        return frozenset()
    ids: set[str] = set()
    for row in tab.rows:
        closed = done_col is not None and bool(_text(row.get(done_col)))
        if _text(row.get(id_col)) and (closed or not closed_only):
            ids.add(_text(row.get(id_col)))
    return frozenset(ids)


def closed_ids(tab: Tab | None, language: str) -> frozenset[str]:
    """Ids of the rows the team closed (``Selesai`` filled)."""
    return register_ids(tab, language, closed_only=True)


def comment_record(row: AssessedComment, settings: Settings) -> dict[str, Cell]:
    """postme's cells of one comment's row (never the team's columns)."""
    language = settings.language
    headers = OWN_HEADERS[language]
    yes, no = YES_NO[language]
    zone = settings.zone
    comment = row.comment
    values: tuple[Cell, ...] = (
        comment.id,  # text, on purpose
        comment.link,
        local_text(comment.created_at, zone),
        "@" + comment.owner if comment.owner else "",
        comment.text,
        CATEGORY_WORDS[language][row.category],
        yes if row.answered else no,
        local_text(row.answered_at, zone) if row.answered_at else "",
        local_text(row.deadline, zone) if row.needs_answer else "",
        yes if row.overdue else no,
    )
    return dict(zip(headers, values, strict=True))


@dataclass(frozen=True)
class RegisterPlan:
    rows_written: int  # new or changed rows (closed rows are never among them)
    closed: frozenset[str]  # ids of rows the team closed
    skipped_other: int  # "other" comments only counted (keep_other_text = false)


def plan_comment_tab(
    plan: WritePlan, existing: Tab | None, assessment: Assessment, settings: Settings
) -> RegisterPlan:
    """Upsert the register rows by comment id into ``plan``.

    Closed rows are left out entirely; rows already in the tab get only their state
    columns (answered, when, deadline, overdue); the team's columns are never in a record,
    so ``plan_upsert`` only adds their headers when they are missing.
    """
    language = settings.language
    closed = closed_ids(existing, language)
    present = register_ids(existing, language)
    state_headers = {OWN_HEADERS[language][i] for i in STATE_COLUMNS}
    records: list[dict[str, Cell]] = []
    skipped = 0
    for row in assessment.comments:
        if row.comment.id in closed:
            continue
        if row.category == "other" and not settings.comments.keep_other_text:
            skipped += 1
            continue
        record = comment_record(row, settings)
        if row.comment.id in present:
            record = {h: v for h, v in record.items() if h in state_headers}
        records.append(record)
    if existing is None and not records:
        return RegisterPlan(rows_written=0, closed=closed, skipped_other=skipped)  # no empty tab
    before = len(plan.writes)
    headers = comment_headers(language)
    plan_upsert(plan, settings.comments.tab, existing, headers, headers[:1], records)
    header_row = existing.header_row if existing else 1
    rows = {
        write.row + offset
        for write in plan.writes[before:]
        for offset in range(len(write.values))
        if write.row + offset > header_row
    }
    return RegisterPlan(rows_written=len(rows), closed=closed, skipped_other=skipped)


def read_register(tab: Tab | None, settings: Settings) -> list[RegisterEntry]:
    """The register's rows as entries for :func:`postme.comments.month_counts` (the monthly
    report counts from the tab, which keeps every month, not only the last days read).
    Rows without an id or a readable date are skipped; a category typed by hand that is
    not one of postme's words counts as "other"."""
    language = settings.language
    own = OWN_HEADERS[language]
    columns = {header: _column(tab, header) for header in own}
    if tab is None or columns[own[0]] is None or columns[own[2]] is None:
        return []
    categories = {word: key for key, word in CATEGORY_WORDS[language].items()}

    def moment(value: Cell) -> dt.datetime | None:
        try:
            parsed = parse_datetime_cell(value)
        except (ValueError, TypeError):
            return None
        return to_aware(parsed, settings.zone)

    def cell(row: SheetRow, header: str) -> Cell:
        column = columns[header]
        return None if column is None else row.get(column)

    entries: list[RegisterEntry] = []
    for row in tab.rows:
        comment_id = _text(cell(row, own[0]))
        created = moment(cell(row, own[2]))
        if not comment_id or created is None:
            continue
        category: Category = categories.get(_text(cell(row, own[5])).casefold(), "other")
        answered_at = moment(cell(row, own[7]))
        deadline = moment(cell(row, own[8])) or created + dt.timedelta(
            days=settings.comments.response_days
        )
        entries.append(RegisterEntry(comment_id, created, category, answered_at, deadline))
    return entries
