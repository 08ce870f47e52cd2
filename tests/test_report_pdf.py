"""The one-page PDF: it opens, has one page, the two charts, the figures and the
signature block; rendered to an image it is not blank where the charts are."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from fakes.calendar import make_settings
from fakes.monthly import NOVEMBER, NOW, add_register, november_report, november_workbook

from postme.comments_tab import read_register
from postme.monthly import MonthlyReport, comment_figures
from postme.report_pdf import mix_chart, render_monthly_pdf, weekly_chart
from postme.stores.base import TabRequest
from postme.stores.xlsx import XlsxStore

SETTINGS = make_settings(
    report={
        "title": "Puskesmas Bakung",
        "place": "Surabaya",
        "head_name": "dr. Siti Aminah",
        "head_nip": "19800101 200501 2 001",
        "topics": {"SIKAKUNG": "PTM"},
    }
)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "laporan.pdf"
    return render_monthly_pdf(november_report(), SETTINGS, path)


def _report_with_register(folder: Path) -> MonthlyReport:
    """The month of fakes.monthly, with its Komentar register read back from a workbook."""
    workbook = november_workbook(folder)
    add_register(workbook)
    tab = XlsxStore(workbook).read([TabRequest("Komentar")])["Komentar"]
    report = november_report()
    comments = comment_figures(NOVEMBER, read_register(tab, SETTINGS), SETTINGS, now=NOW)
    return replace(report, comments=comments)


def _text(pdf: Path) -> str:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) is not installed")
    return " ".join(pypdf.PdfReader(str(pdf)).pages[0].extract_text().split())


def test_the_pdf_has_the_comments_line(tmp_path: Path) -> None:
    report = _report_with_register(tmp_path)
    path = render_monthly_pdf(report, SETTINGS, tmp_path / "laporan.pdf")
    text = _text(path)
    # The figures of test_monthly_comment_figures_by_hand, in the report's language.
    assert (
        "Komentar 6 komentar, 3 keluhan, 2 pertanyaan · dijawab dalam 3 hari: 2 dari 4 (50 %) "
        "· median respons pertama 24,0 jam · 1 menunggu, tenggat belum lewat"
    ) in text
    assert "Per format Foto 3, Reels 1" in text  # the team's words, not "photo"
    english = render_monthly_pdf(report, make_settings(language="en"), tmp_path / "report.pdf")
    assert "answered within 3 days: 2 of 4 (50 %)" in _text(english)
    assert "By format Photo 3, Reels 1" in _text(english)


def test_without_the_register_the_pdf_says_why(pdf: Path) -> None:
    text = _text(pdf)
    assert (
        "Komentar – (tidak ada tab 'Komentar' (register komentar): komentar tidak dihitung)" in text
    )


def test_the_pdf_opens_with_one_page_two_charts_and_the_signature(pdf: Path) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) is not installed")
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert len(page.images) == 2  # the weekly chart and the programme mix
    text = page.extract_text()
    for expected in (
        "Laporan Bulanan Media Sosial",
        "November 2026",
        "Kepatuhan rencana",
        "80 % (4/5)",
        "NOV20",
        "Mengetahui,",
        "Kepala Puskesmas",
        "dr. Siti Aminah",
        "19800101 200501 2 001",
        "Surabaya, 1 Desember 2026",
    ):
        assert expected in text, expected


def test_the_charts_are_images_with_content() -> None:
    report = november_report()
    for png in (weekly_chart(report, "id"), mix_chart(report.figures, "en")):
        assert png.startswith(b"\x89PNG")
        assert len(png) > 10_000  # axes, bars and labels, not an empty canvas


def test_the_rendered_page_shows_the_charts(pdf: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.png")
    from matplotlib.image import imread

    pixels = imread(str(image))
    height = pixels.shape[0]
    # The charts sit in the middle band of the page: it holds coloured (non-grey) pixels.
    band = pixels[int(height * 0.37) : int(height * 0.58), :, :3]
    spread = band.max(axis=2) - band.min(axis=2)
    assert (spread > 0.2).mean() > 0.01


def test_long_lines_shrink_the_charts_so_the_signature_stays_above_the_footer(
    tmp_path: Path,
) -> None:
    import datetime as dt

    from postme.monthly import GreetingDay

    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) is not installed")
    report = _report_with_register(tmp_path)
    crowded = replace(
        report.figures,
        posts_by_program=tuple((f"Program Kesehatan Nomor {i}", 20 - i) for i in range(20)),
        special_days=tuple(
            GreetingDay(dt.date(2026, 11, day), ("Hari Kesehatan Yang Panjang Namanya",), False)
            for day in range(1, 12)
        ),
    )
    path = render_monthly_pdf(replace(report, figures=crowded), SETTINGS, tmp_path / "full.pdf")
    heights: dict[str, float] = {}

    def visit(text: str, _cm: object, tm: list[float], _font: object, _size: object) -> None:
        for key in ("NIP.", "Dibuat dengan postme"):
            if text.startswith(key):
                heights[key] = tm[5]  # from the page's bottom edge, in points

    page = pypdf.PdfReader(str(path)).pages[0]
    page.extract_text(visitor_text=visit)
    assert len(page.images) == 2
    assert heights["NIP."] > heights["Dibuat dengan postme"] + 10  # above, with a gap
