"""The comments register on threads written by instaloader itself (``update_comments``,
what ``instaloader --comments`` runs) and read back into its own ``PostComment`` objects."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import instaloader
import openpyxl
import pytest
from fakes.comments import (
    ANSWERED_COMPLAINT,
    ANSWERED_QUESTION,
    AS_OF_NOW,
    DATA_DIR,
    OPEN_QUESTION,
    OVERDUE_COMPLAINT,
    POST_A,
    build_comments_folder,
    logged_in_context,
    post_node,
)
from fakes.instagram import BAKUNG

from postme.comments import Lexicon, assess, classify, month_counts
from postme.comments_job import (
    CommentsResult,
    collect_comments,
    comments_request,
    plan_comments,
)
from postme.comments_tab import comment_headers, read_register
from postme.config import CommentSettings, Settings, settings_from_dict
from postme.errors import ExitCode
from postme.i18n import set_language
from postme.instagram.comments import comments_from_json, read_comment_files
from postme.stores.base import WritePlan
from postme.stores.xlsx import XlsxStore

AS_OF = dt.date(2026, 11, 23)
SINCE = dt.datetime(2026, 11, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return build_comments_folder(tmp_path / "ig")


def settings_for(workbook: Path, **comments: object) -> Settings:
    return settings_from_dict(
        {
            "language": "id",
            "sheet": {"backend": "xlsx", "path": str(workbook)},
            "instagram": {"username": BAKUNG},
            "comments": comments,
        }
    )


def new_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Kalender Konten"
    book.save(path)
    return path


def run_once(
    settings: Settings, folder: Path, store: XlsxStore
) -> tuple[WritePlan, CommentsResult]:
    """One weekly pass of the register: read, plan, write (as the weekly job does)."""
    result = collect_comments(settings, folder, AS_OF, budget=0, now=AS_OF_NOW)
    tabs = store.read([comments_request(settings)])
    plan = WritePlan()
    result = plan_comments(plan, tabs[settings.comments.tab], result, settings, AS_OF)
    store.write(plan)
    return plan, result


def register_rows(workbook: Path, title: str = "Komentar") -> dict[str, dict[str, object]]:
    sheet = openpyxl.load_workbook(workbook)[title]
    rows = list(sheet.iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    return {str(r[0]): dict(zip(headers, r, strict=False)) for r in rows[1:] if r[0] is not None}


# --- reading instaloader's files -------------------------------------------------------------


def test_files_are_instaloaders_own_and_read_back_as_postcomments(folder: Path) -> None:
    data = json.loads((folder / "2026-11-18_12-00-00_UTC_comments.json").read_text())
    assert {"id", "created_at", "text", "owner", "likes_count", "answers"} <= set(data[0])
    context = logged_in_context()
    post = instaloader.Post(context, post_node(POST_A))
    rebuilt = comments_from_json(context, post, data)
    assert all(isinstance(c, instaloader.structures.PostComment) for c in rebuilt)
    # The same fields as the objects Post.get_comments() yields for the original node.
    original = {str(c.id): c for c in post.get_comments()}
    for comment in rebuilt:
        twin = original[str(comment.id)]
        assert comment.text == twin.text
        assert comment.created_at_utc == twin.created_at_utc
        assert comment.owner.username == twin.owner.username
        assert comment.likes_count == twin.likes_count
        assert sorted(a.id for a in comment.answers) == sorted(int(a.id) for a in twin.answers)


def test_offline_read_keeps_ids_as_text_and_skips_posts_before_the_window(folder: Path) -> None:
    read = read_comment_files(folder, BAKUNG, SINCE)
    by_id = {c.id: c for c in read.comments}
    assert read.complete and read.requests_used == 0 and read.posts_read == 2
    assert "17900000000000001" not in by_id  # the 1 November post is outside 14 days
    complaint = by_id[OVERDUE_COMPLAINT.id]
    assert complaint.id == "180123456789012345"  # 18 digits, exact
    assert complaint.owner == "warga.dua" and complaint.shortcode == "BkgKLH18Nov"
    assert complaint.link == "https://www.instagram.com/p/BkgKLH18Nov/"
    assert complaint.created_at == OVERDUE_COMPLAINT.at
    assert [r.owner for r in complaint.replies] == ["warga.tiga", "warga.empat"]
    assert not any(r.by_account for r in complaint.replies)
    answered = by_id[ANSWERED_COMPLAINT.id]
    assert answered.likes == 4 and [r.by_account for r in answered.replies] == [True]


def test_a_comments_file_without_its_post_is_skipped_with_a_note(folder: Path) -> None:
    (folder / "2026-11-21_12-00-00_UTC.json").unlink()
    read = read_comment_files(folder, BAKUNG, SINCE)
    assert OPEN_QUESTION.id not in {c.id for c in read.comments}
    assert any("2026-11-21_12-00-00_UTC_comments.json" in n for n in read.notes)


def test_committed_sample_folder_matches_the_builder(tmp_path: Path) -> None:
    fresh = build_comments_folder(tmp_path / "fresh")
    for path in sorted(fresh.iterdir()):
        assert (DATA_DIR / path.name).read_text() == path.read_text(), path.name


# --- classifying and answering -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Antre lama banget", "complaint"),
        ("KÉCÉWA dengan pelayanan", "complaint"),  # accents and case ignored
        ("petugasnya tidak ramah", "complaint"),
        ("petugasnya ramah sekali", "other"),  # "tidak ramah" is a phrase
        ("kecewanya sudah hilang, terima kasih", "other"),  # whole words only
        ("Apakah BPJS bisa?", "question"),
        ("jam buka besok", "question"),
        ("Anak saya keracunan setelah imunisasi", "urgent"),
        ("kecewa, ini darurat", "urgent"),  # urgent before complaint
        ("slot gacor hari ini", "spam"),
        ("slotnya sudah penuh", "other"),
    ],
)
def test_lexicon(text: str, expected: str) -> None:
    assert classify(text, Lexicon.from_settings(CommentSettings())) == expected


def test_a_team_word_list_replaces_the_default() -> None:
    lexicon = Lexicon.from_settings(CommentSettings(urgent_words=("hoaks",)))
    assert classify("Ini hoaks!", lexicon) == "urgent"
    assert classify("keracunan", lexicon) == "other"


def test_answered_in_time_overdue_and_replies_by_others(folder: Path) -> None:
    read = read_comment_files(folder, BAKUNG, SINCE)
    result = assess(read.comments, CommentSettings(), AS_OF_NOW)
    rows = {r.comment.id: r for r in result.comments}
    assert result.ignored_spam == 1 and result.ignored_own == 1
    answered = rows[ANSWERED_COMPLAINT.id]
    assert answered.category == "complaint"
    assert answered.answered_at == ANSWERED_COMPLAINT.replies[0].at
    assert answered.answered_in_time and not answered.overdue
    overdue = rows[OVERDUE_COMPLAINT.id]
    assert overdue.category == "complaint"
    assert overdue.answered_at is None  # two replies, none by the account
    assert overdue.deadline == OVERDUE_COMPLAINT.at + dt.timedelta(days=3)
    assert overdue.overdue and overdue.age_days == 4
    question = rows[ANSWERED_QUESTION.id]
    assert question.category == "question" and question.answered and not question.overdue
    waiting = rows[OPEN_QUESTION.id]
    assert waiting.category == "question" and not waiting.answered and not waiting.overdue


# --- the register tab ------------------------------------------------------------------------


def test_register_written_then_a_rerun_changes_nothing(folder: Path, tmp_path: Path) -> None:
    workbook = new_workbook(tmp_path / "planner.xlsx")
    settings = settings_for(workbook)
    store = XlsxStore(workbook)
    plan, result = run_once(settings, folder, store)
    assert [t.title for t in plan.new_tabs] == ["Komentar"]
    assert plan.new_tabs[0].headers == comment_headers("id")
    rows = register_rows(workbook)
    assert set(rows) == {
        ANSWERED_COMPLAINT.id,
        OVERDUE_COMPLAINT.id,
        ANSWERED_QUESTION.id,
        OPEN_QUESTION.id,
        "17966666666666666",  # the thank-you ("lainnya")
    }
    late = rows[OVERDUE_COMPLAINT.id]
    assert late["ID Komentar"] == "180123456789012345"  # a text cell, every digit
    assert late["Postingan"] == "https://www.instagram.com/p/BkgKLH18Nov/"
    assert late["Tanggal"] == "2026-11-18 21:00"  # WIB
    assert late["Pengomentar"] == "@warga.dua"
    assert late["Kategori"] == "keluhan" and late["Dijawab"] == "tidak"
    assert late["Tenggat"] == "2026-11-21 21:00" and late["Lewat Tenggat"] == "ya"
    assert all(late[h] is None for h in ("Tindak lanjut", "PIC", "Kategori LAPOR", "Selesai"))
    done = rows[ANSWERED_COMPLAINT.id]
    assert done["Dijawab"] == "ya" and done["Dijawab Pada"] == "2026-11-19 16:00"
    assert result.exit_code == ExitCode.FINDINGS  # an overdue complaint is still open

    again, _result = run_once(settings, folder, store)
    assert again.is_empty()


def test_team_columns_and_a_closed_row_are_never_overwritten(folder: Path, tmp_path: Path) -> None:
    workbook = new_workbook(tmp_path / "planner.xlsx")
    settings = settings_for(workbook)
    store = XlsxStore(workbook)
    run_once(settings, folder, store)
    # The team follows up by phone, closes the overdue complaint, and notes the question.
    book = openpyxl.load_workbook(workbook)
    sheet = book["Komentar"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == OVERDUE_COMPLAINT.id:
            row[headers.index("Tindak lanjut")].value = "Ditelepon, obat sudah datang"
            row[headers.index("PIC")].value = "drg. Elva"
            row[headers.index("Kategori LAPOR")].value = "Pelayanan"
            row[headers.index("Selesai")].value = "2026-11-22"
            row[headers.index("Kategori")].value = "keluhan (obat)"  # typed over postme's cell
        if row[0].value == OPEN_QUESTION.id:
            row[headers.index("PIC")].value = "Candra"
            row[headers.index("Kategori")].value = "pertanyaan (imunisasi)"  # a correction
    book.save(workbook)
    before = register_rows(workbook)

    # Three days later: the open question is now overdue, the closed complaint is still unanswered.
    later = AS_OF_NOW + dt.timedelta(days=3)
    result = collect_comments(settings, folder, AS_OF, budget=0, now=later)
    tab = store.read([comments_request(settings)])["Komentar"]
    plan = WritePlan()
    result = plan_comments(plan, tab, result, settings, AS_OF)
    store.write(plan)
    after = register_rows(workbook)
    assert after[OVERDUE_COMPLAINT.id] == before[OVERDUE_COMPLAINT.id]  # closed: untouched
    assert after[OPEN_QUESTION.id]["PIC"] == "Candra"
    assert after[OPEN_QUESTION.id]["Lewat Tenggat"] == "ya"  # postme's own cell moved on
    assert after[OPEN_QUESTION.id]["Kategori"] == "pertanyaan (imunisasi)"
    assert result.register is not None and result.register.rows_written == 1
    touched_columns = {w.column for w in plan.writes}
    assert touched_columns and max(touched_columns) <= 10  # never the team's columns (11-14)
    assert result.overdue_complaints == 0 and result.exit_code == ExitCode.OK
    assert OVERDUE_COMPLAINT.id in result.closed
    assert all("BkgKLH18Nov" not in line for line in result.summary_lines() if "complaint" in line)


def test_keep_other_text_false_keeps_only_the_count(folder: Path, tmp_path: Path) -> None:
    workbook = new_workbook(tmp_path / "planner.xlsx")
    settings = settings_for(workbook, keep_other_text=False)
    _plan, result = run_once(settings, folder, XlsxStore(workbook))
    assert "17966666666666666" not in register_rows(workbook)
    assert result.to_json()["by_category"]["other"] == 1


def test_english_headers_follow_the_language(folder: Path, tmp_path: Path) -> None:
    workbook = new_workbook(tmp_path / "planner.xlsx")
    settings = settings_from_dict(
        {"language": "en", "sheet": {"backend": "xlsx", "path": str(workbook)}}
    )
    run_once(settings, folder, XlsxStore(workbook))
    row = register_rows(workbook)[OVERDUE_COMPLAINT.id]
    assert row["Category"] == "complaint" and row["Overdue"] == "yes" and "Closed" in row


# --- summary, counts, privacy -----------------------------------------------------------------


def test_summary_names_overdue_complaints_by_link_only(folder: Path, tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "p.xlsx")
    result = collect_comments(settings, folder, AS_OF, budget=0, now=AS_OF_NOW)
    lines = result.summary_lines()
    assert lines == [
        "1 complaint(s) not answered, 1 past 3 days: "
        "https://www.instagram.com/p/BkgKLH18Nov/ (4 days)",
        "1 question(s) not answered, 0 past 3 days: "
        "https://www.instagram.com/p/BkgTNY21Nov/ (0 days)",
    ]
    set_language("id")
    assert result.summary_lines()[0].startswith("1 keluhan belum dijawab, 1 lewat 3 hari: ")


def test_month_counts_from_the_register_match_this_run(folder: Path, tmp_path: Path) -> None:
    workbook = new_workbook(tmp_path / "planner.xlsx")
    settings = settings_for(workbook)
    store = XlsxStore(workbook)
    _plan, result = run_once(settings, folder, store)
    tab = store.read([comments_request(settings)])["Komentar"]
    from_tab = month_counts(read_register(tab, settings), 2026, 11, settings.zone)
    assessment = result.assessment
    assert assessment is not None
    from_run = month_counts([c.entry for c in assessment.comments], 2026, 11, settings.zone)
    assert from_tab == from_run
    assert (from_tab.comments, from_tab.complaints, from_tab.questions) == (5, 2, 2)
    assert (from_tab.answered_in_time, from_tab.answered_late, from_tab.unanswered) == (2, 0, 2)
    # first answers after 20 h (complaint) and 3 h (question): median 11.5 h
    assert from_tab.median_first_response_hours == 11.5


def test_names_and_texts_stay_out_of_logs_notes_and_json(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (folder / "2026-11-21_12-00-00_UTC.json").unlink()  # one note
    caplog.set_level(logging.DEBUG)
    result = collect_comments(settings_for(tmp_path / "p.xlsx"), folder, AS_OF, 0, now=AS_OF_NOW)
    shown = caplog.text + json.dumps(result.to_json()) + " ".join(result.notes)
    assert len(result.notes) == 1 and "2026-11-21_12-00-00_UTC" in result.notes[0]
    for secret in ("warga", "ibu.ani", "Obat habis", "Antre lama", "Kapan"):
        assert secret not in shown


def test_config_example_shows_the_default_word_lists() -> None:
    import re
    import tomllib

    text = (Path(__file__).parent.parent / "config.example.toml").read_text(encoding="utf-8")
    block = text[text.index("[comments]") : text.index("# --- City roll-up")]
    uncommented = re.sub(r"^# ?(\w+_words = \[|  |\])", r"\1", block, flags=re.M)
    uncommented = "\n".join(line for line in uncommented.splitlines() if not line.startswith("#"))
    shown = tomllib.loads(uncommented)["comments"]
    defaults = CommentSettings()
    for name in ("complaint_words", "question_words", "urgent_words", "spam_words"):
        assert tuple(shown[name]) == getattr(defaults, name), name
    assert shown["days"] == 14 and shown["response_days"] == 3 and shown["tab"] == "Komentar"


def test_summary_puts_urgent_first_and_shortens_long_lists() -> None:
    from postme.comments import summary_lines
    from postme.instagram.comments import CommentRecord

    def record(n: int, text: str, hours_ago: int) -> CommentRecord:
        return CommentRecord(
            id=f"1790000000000{n:04d}",
            shortcode=f"Post{n}",
            link=f"https://www.instagram.com/p/Post{n}/",
            created_at=AS_OF_NOW - dt.timedelta(hours=hours_ago),
            owner=f"user{n}",
            text=text,
            likes=0,
            by_account=False,
        )

    comments = [record(n, "kecewa", 24 * n) for n in range(1, 8)]
    comments.append(record(99, "darurat, anak pingsan", 1))
    lines = summary_lines(assess(comments, CommentSettings(), AS_OF_NOW), 3)
    assert lines[0].startswith("1 urgent comment(s) not answered, 0 past 3 days: ")
    # 7 complaints, 4 past 3 days; overdue first (oldest first), 5 shown
    assert lines[1].startswith("7 complaint(s) not answered, 4 past 3 days: ")
    assert "Post7/ (7 days), https://www.instagram.com/p/Post6/" in lines[1]
    assert lines[1].endswith("and 2 more")
