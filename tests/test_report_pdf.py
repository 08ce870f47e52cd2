"""The one-page PDF: it opens, has one page, the two charts, the figures and the
signature block; rendered to an image it is not blank where the charts are."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fakes.calendar import make_settings
from test_monthly import _report

from postme.report_pdf import mix_chart, render_monthly_pdf, weekly_chart

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
    return render_monthly_pdf(_report(), SETTINGS, path)  # type: ignore[arg-type]


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
    report = _report()
    for png in (weekly_chart(report, "id"), mix_chart(report.figures, "en")):  # type: ignore[attr-defined]
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
