"""The monthly figures of a month worked out by hand, the Laporan Bulanan tab through the
.xlsx store, and the city league table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fakes.monthly import (
    AS_OF,
    CALENDAR_ROWS,
    NOVEMBER,
    NOW,
    add_register,
    november_report,
    november_workbook,
)

from postme.config import load_config
from postme.errors import ConfigError
from postme.monthly import Month, league_table, parse_month, run_monthly
from postme.stores.base import TabRequest
from postme.stores.xlsx import XlsxStore


def test_november_by_hand() -> None:
    report = november_report()
    f = report.figures
    assert f.month == "2026-11"
    assert (f.followers_start, f.followers_end, f.follower_growth) == (1000, 1100, 100)
    assert f.follower_growth_pct == pytest.approx(10.0)
    assert f.posts == 4
    assert f.interactions == 50 + 20 + 63
    assert f.engagement_rate_pct == pytest.approx((5.0 + 2.0 + 6.0) / 3)
    assert f.engagement_per_1000 == pytest.approx((5.0 + 2.0 + 6.0) / 3 * 10)
    # 6 rows in November, 4 published, 1 cancelled: 4 / 5.
    assert (f.planned, f.published, f.cancelled) == (6, 4, 1)
    assert f.plan_adherence_pct == pytest.approx(80.0)
    assert (f.days_due, f.days_greeted) == (2, 1)
    assert f.greeting_coverage_pct == pytest.approx(50.0)
    assert [d.greeted for d in f.special_days] == [True, False]
    assert dict(f.posts_by_program) == {
        "Konde Emas": 1,
        "SIKAKUNG": 1,
        "Nice to Know": 1,
        "Info Grafis": 1,
    }
    assert dict(f.posts_by_format) == {"photo": 3, "reels": 1}
    assert dict(f.posts_by_topic) == {"GERMAS": 1, "PTM": 1, "PHBS": 1, "Lainnya": 1}
    assert dict(f.interactions_by_program)["Info Grafis"] is None  # unknown, not 0
    assert [p.shortcode for p in f.top_posts] == ["NOV20", "NOV03", "NOV10"]
    assert f.top_posts[0].engagement_rate_pct == pytest.approx(6.0)


def test_comparisons_only_when_the_history_has_the_month() -> None:
    report = november_report()
    previous = report.previous
    assert previous is not None and previous.month == "2026-10"
    assert previous.posts == 1
    assert previous.engagement_rate_pct == pytest.approx(30 / 900 * 100)
    assert (previous.followers_start, previous.followers_end) == (900, 1000)
    assert report.last_year is None
    weeks = [w.week for w in report.weeks]
    assert weeks[0] == "2026-W44" and weeks[-1] == "2026-W49"


def test_parse_month() -> None:
    assert parse_month("2026-11") == NOVEMBER
    assert NOVEMBER.shift(2) == Month(2027, 1) and NOVEMBER.shift(-11) == Month(2025, 12)
    assert NOVEMBER.end == dt.date(2026, 11, 30)
    with pytest.raises(ConfigError, match="YYYY-MM"):
        parse_month("11/2026")


def test_league_table_sorted_missing_last() -> None:
    report = november_report()
    f = report.figures
    from dataclasses import replace

    quiet = replace(f, engagement_rate_pct=None, posts=0, top_posts=())
    better = replace(f, engagement_rate_pct=9.0)
    rows = league_table({"PKM A": f, "PKM B": quiet, "PKM C": better})
    assert [r.account for r in rows] == ["PKM C", "PKM A", "PKM B"]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[0].engagement_per_1000 == pytest.approx(90.0)
    assert rows[2].engagement_per_1000 is None and rows[2].best_post is None
    assert rows[1].best_post is not None and rows[1].best_post.shortcode == "NOV20"


def test_run_monthly_upserts_the_month_row_and_writes_the_pdf(tmp_path: Path) -> None:
    workbook = november_workbook(tmp_path)
    config = tmp_path / "postme.toml"
    config.write_text(
        '[sheet]\npath = "planner.xlsx"\n[report]\ntitle = "Puskesmas Bakung"\n'
        'place = "Surabaya"\nhead_name = "dr. Siti"\nhead_nip = "1980"\noutput_dir = "out"\n'
        '[report.topics]\n"SIKAKUNG" = "PTM"\n'
    )
    settings = load_config(config, env={})
    result = run_monthly(settings, NOVEMBER, as_of=AS_OF, clock_now=NOW, store=XlsxStore(workbook))
    assert result.pdf_path == tmp_path / "out" / "laporan-puskesmas-bakung-2026-11.pdf"
    assert result.pdf_path.read_bytes().startswith(b"%PDF")
    tab = XlsxStore(workbook).read([TabRequest("Laporan Bulanan")])["Laporan Bulanan"]
    assert tab is not None and len(tab.rows) == 1
    row = dict(zip(tab.headers, tab.rows[0].values, strict=False))
    assert row["Bulan"] == "2026-11"
    assert row["Postingan"] == 4 and row["Interaksi"] == 133
    assert row["Kepatuhan Rencana (%)"] == 80
    assert row["Postingan per Topik Promkes"] == "Lainnya 3; PTM 1"
    # A second run the same month updates the same row: still one row, nothing new written.
    again = run_monthly(
        settings, NOVEMBER, as_of=AS_OF, clock_now=NOW, store=XlsxStore(workbook), render_pdf=False
    )
    assert not again.written
    tab = XlsxStore(workbook).read([TabRequest("Laporan Bulanan")])["Laporan Bulanan"]
    assert tab is not None and len(tab.rows) == 1


def test_cli_report_month_prints_the_pdf_path(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from postme.cli import app

    november_workbook(tmp_path)
    config = tmp_path / "postme.toml"
    # The workbook's tabs have Indonesian names: an English config would name them in
    # English, so the English output comes from --lang.
    config.write_text('[sheet]\npath = "planner.xlsx"\n')
    result = CliRunner().invoke(
        app,
        ["report", "--month", "2026-11", "--as-of", "2026-12-01", "--lang", "en"]
        + ["-c", str(config)],
    )
    assert result.exit_code == 0, result.output
    # Messages follow --lang; what is written (tabs, the PDF) follows the config's language.
    pdf = tmp_path / "laporan-planner-2026-11.pdf"
    assert f"PDF report: {pdf}" in result.output
    assert "4 posts" in result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = CliRunner().invoke(app, ["report", "--month", "nov", "-c", str(config)])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output


def test_league_tab_replaces_the_month_and_keeps_other_months(tmp_path: Path) -> None:
    from dataclasses import replace

    from postme.insights_tabs import plan_league_tab
    from postme.monthly import read_monthly_report
    from postme.stores.base import WritePlan

    workbook = november_workbook(tmp_path)
    config = tmp_path / "postme.toml"
    config.write_text('[sheet]\npath = "planner.xlsx"\n')
    settings = load_config(config, env={})
    store = XlsxStore(workbook)
    figures = read_monthly_report(settings, NOVEMBER, as_of=AS_OF, store=store, now=NOW).figures
    october = read_monthly_report(settings, NOVEMBER.shift(-1), as_of=AS_OF, store=store).figures
    for month, accounts in (
        ("2026-10", {"PKM A": october}),
        ("2026-11", {"PKM A": figures, "PKM B": replace(figures, engagement_rate_pct=9.0)}),
    ):
        tab = store.read([TabRequest("Liga", required=False)])["Liga"]
        plan = WritePlan()
        plan_league_tab(plan, tab, "Liga", month, league_table(accounts), "id")
        store.write(plan)
    tab = store.read([TabRequest("Liga")])["Liga"]
    assert tab is not None
    rows = [dict(zip(tab.headers, row.values, strict=False)) for row in tab.rows]
    assert [(r["Bulan"], r["Peringkat"], r["Akun"]) for r in rows] == [
        ("2026-10", 1, "PKM A"),
        ("2026-11", 1, "PKM B"),
        ("2026-11", 2, "PKM A"),
    ]
    assert rows[1]["Interaksi per 1.000 Pengikut"] == 90
    assert rows[2]["Postingan Terbaik"] == "https://www.instagram.com/p/NOV20/"
    assert rows[2]["Interaksi Postingan Terbaik"] == 63


def test_trend_cells_for_the_weekly_tab() -> None:
    from postme.history import trends
    from postme.insights_tabs import trend_cells

    rows = [
        {
            "week": f"2026-W4{i}",
            "follower_growth": g,
            "engagement_rate_pct": None,
            "plan_adherence_pct": 80.0,
            "posts": p,
        }
        for i, (g, p) in enumerate([(10, 7), (20, 7), (30, 7), (40, 7), (25, 5)])
    ]
    cells = trend_cells(trends(rows), "id")
    assert cells["Δ Pertumbuhan"] == "▼15 / =0"  # 25 − 40; 25 − mean(10, 20, 30, 40)
    assert cells["Δ Postingan"] == "▼2 / ▼2"
    assert cells["Δ ER"] is None  # no engagement figures: empty, not 0
    assert cells["Δ Kepatuhan"] == "=0 / =0"


def test_frames_for_a_notebook(tmp_path: Path) -> None:
    from postme.history import POST_COLUMNS, frames

    workbook = november_workbook(tmp_path)
    config = tmp_path / "postme.toml"
    config.write_text('[sheet]\npath = "planner.xlsx"\n')
    history = frames(load_config(config, env={}), XlsxStore(workbook))
    assert len(history.calendar) == len(CALENDAR_ROWS)
    assert list(history.followers["followers"]) == [900, 1000, 1050, 1100]
    assert tuple(history.posts.columns) == POST_COLUMNS
    posts = history.posts.set_index("shortcode")
    assert posts.loc["NOV20", "program"] == "Nice to Know"
    assert posts.loc["NOV20", "followers_at_post"] == 1050
    assert posts.loc["NOV20", "engagement_rate_pct"] == pytest.approx(6.0)
    assert posts["engagement_rate_pct"].isna().sum() == 1  # NOV25 has no figures: NaN, not 0
    assert history.posts.groupby("program")["interactions"].sum()["SIKAKUNG"] == 30 + 20


# --- the month's comments, from the Komentar register -------------------------------------------


def _config(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "postme.toml"
    config.write_text('[sheet]\npath = "planner.xlsx"\n[report]\noutput_dir = "out"\n' + extra)
    return config


def test_monthly_comment_figures_by_hand(tmp_path: Path) -> None:
    workbook = november_workbook(tmp_path)
    add_register(workbook)
    settings = load_config(_config(tmp_path), env={})
    result = run_monthly(
        settings, NOVEMBER, as_of=AS_OF, clock_now=NOW, store=XlsxStore(workbook), render_pdf=False
    )
    c = result.report.comments
    assert c.reason is None
    # November: rows 2-7 (the October complaint is left out).
    assert (c.comments, c.complaints, c.questions, c.needing_answer) == (6, 3, 2, 5)
    assert (c.answered_in_time, c.answered_late, c.unanswered) == (2, 1, 2)
    # The 30 November question is due on 3 December: not judged yet. 2 in time of 5 - 1.
    assert c.still_open == 1
    assert c.answered_in_time_pct == pytest.approx(2 / 4 * 100)
    # First responses 24 h, 120 h, 2 h: the median is 24 h.
    assert c.median_first_response_hours == pytest.approx(24.0)
    assert c.register_starts == dt.date(2026, 10, 28)

    tab = XlsxStore(workbook).read([TabRequest("Laporan Bulanan")])["Laporan Bulanan"]
    assert tab is not None
    row = dict(zip(tab.headers, tab.rows[0].values, strict=False))
    assert row["Komentar Tercatat"] == 6 and row["Keluhan"] == 3
    assert row["Perlu Dijawab"] == 5 and row["Dijawab dalam Tenggat"] == 2
    assert row["Dijawab dalam Tenggat (%)"] == 50
    assert row["Menunggu (Tenggat Belum Lewat)"] == 1
    assert row["Median Respons Pertama (jam)"] == 24
    assert row["Catatan Komentar"] is None
    # Format names in the team's language, not postme's keys.
    assert row["Postingan per Format"] == "Foto 3; Reels 1"

    lines = "\n".join(result.summary_lines())
    assert (
        "Comments: 6 (3 complaints, 2 questions); answered within 3 days: 2 of 4 (50.00%), "
        "1 more still within the deadline; median first response 24.00 hours."
    ) in lines
    document = json.loads(json.dumps(result.to_json()))  # as --json prints it
    assert document["comments"]["answered_in_time_pct"] == 50.0

    # The city run reads the register the same way.
    from postme.monthly import read_monthly_report

    again = read_monthly_report(settings, NOVEMBER, as_of=AS_OF, store=XlsxStore(workbook), now=NOW)
    assert again.comments == c


def test_a_month_without_the_register_tab_leaves_the_comments_empty(tmp_path: Path) -> None:
    workbook = november_workbook(tmp_path)
    settings = load_config(_config(tmp_path), env={})
    result = run_monthly(
        settings, NOVEMBER, as_of=AS_OF, clock_now=NOW, store=XlsxStore(workbook), render_pdf=False
    )
    c = result.report.comments
    assert c.reason == "no_register"
    assert c.comments is None and c.answered_in_time_pct is None  # unknown, never 0
    assert c.median_first_response_hours is None
    tab = XlsxStore(workbook).read([TabRequest("Laporan Bulanan")])["Laporan Bulanan"]
    assert tab is not None
    row = dict(zip(tab.headers, tab.rows[0].values, strict=False))
    assert row["Komentar Tercatat"] is None and row["Dijawab dalam Tenggat (%)"] is None
    assert row["Catatan Komentar"] == (
        "tidak ada tab 'Komentar' (register komentar): komentar tidak dihitung"
    )
    assert "Comments: not counted, no 'Komentar' tab (the comments register)" in "\n".join(
        result.summary_lines()
    )
    document = json.loads(json.dumps(result.to_json()))  # as --json prints it
    assert document["comments"]["comments"] is None


def test_comment_figures_before_the_register_and_without_other_rows(tmp_path: Path) -> None:
    from postme.comments_tab import read_register
    from postme.monthly import comment_figures

    workbook = november_workbook(tmp_path)
    add_register(workbook)
    tab = XlsxStore(workbook).read([TabRequest("Komentar")])["Komentar"]
    settings = load_config(_config(tmp_path), env={})
    register = read_register(tab, settings)
    # September: before the register's first comment (28 October), so unknown.
    september = comment_figures(Month(2026, 9), register, settings, now=NOW)
    assert september.reason == "before_register" and september.complaints is None
    assert september.reason_text("en") == (
        "the 'Komentar' register starts on 2026-10-28, after this month"
    )
    # October is covered: one complaint answered in an hour.
    october = comment_figures(Month(2026, 10), register, settings, now=NOW)
    assert (october.complaints, october.answered_in_time, october.answered_in_time_pct) == (
        1,
        1,
        100.0,
    )
    assert october.median_first_response_hours == pytest.approx(1.0)
    # keep_other_text = false: "other" comments get no row, so the total is unknown.
    quiet = load_config(_config(tmp_path, "[comments]\nkeep_other_text = false\n"), env={})
    figures = comment_figures(NOVEMBER, read_register(tab, quiet), quiet, now=NOW)
    assert figures.comments is None and figures.complaints == 3
    # Comments turned off and no tab: the reason says so.
    off = load_config(_config(tmp_path, "[comments]\nenabled = false\n"), env={})
    assert comment_figures(NOVEMBER, None, off, now=NOW).reason == "not_read"
