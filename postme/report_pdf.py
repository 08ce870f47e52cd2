"""The one-page monthly PDF for the head of the Puskesmas and the Dinkes, in the team's
language: key figures against last month and the same month last year, the month's
comments from the ``Komentar`` register (or why they are unknown), posts by
programme / format / promkes topic, greetings on health days and holidays, the top posts,
two charts (followers and engagement per week; programme mix) and the signature block.

matplotlib draws the charts (Agg, no display needed) and fpdf2 lays out the page. The
font is the DejaVu Sans that matplotlib ships, so Indonesian text, "–" and "▲" print on
any machine without a system font. Both are imported only here, when a PDF is made.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from postme.insights_tabs import format_pairs
from postme.words import month_name

if TYPE_CHECKING:
    from postme.config import Settings
    from postme.monthly import CommentFigures, MonthFigures, MonthlyReport

# (Indonesian, English)
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Laporan Bulanan Media Sosial", "Monthly Social Media Report"),
    "figure": ("Ukuran", "Figure"),
    "this": ("Bulan ini", "This month"),
    "previous": ("Bulan lalu", "Last month"),
    "last_year": ("Tahun lalu", "Last year"),
    "followers_end": ("Pengikut akhir bulan", "Followers at month end"),
    "growth": ("Pertumbuhan pengikut", "Follower growth"),
    "posts": ("Postingan", "Posts"),
    "interactions": ("Interaksi (suka + komentar)", "Interactions (likes + comments)"),
    "er": ("Engagement rate rata-rata", "Mean engagement rate"),
    "adherence": ("Kepatuhan rencana", "Plan adherence"),
    "greetings": ("Hari besar diucapkan", "Special days greeted"),
    "by_program": ("Per program", "By programme"),
    "by_format": ("Per format", "By format"),
    "by_topic": ("Per topik promkes", "By promkes topic"),
    "top": ("Postingan teratas", "Top posts"),
    "missed_days": ("Belum diucapkan", "Not greeted"),
    "comments": ("Komentar", "Comments"),
    "comments_counts": (
        "{comments} komentar, {complaints} keluhan, {questions} pertanyaan · dijawab dalam "
        "{days} hari: {in_time} dari {judged} ({pct}) · median respons pertama {hours} jam",
        "{comments} comments, {complaints} complaints, {questions} questions · answered "
        "within {days} days: {in_time} of {judged} ({pct}) · median first response {hours} h",
    ),
    "comments_open": (" · {n} menunggu, tenggat belum lewat", " · {n} waiting, deadline ahead"),
    "chart_weeks": ("Pengikut dan engagement per minggu", "Followers and engagement per week"),
    "chart_mix": ("Komposisi program", "Programme mix"),
    "share_posts": ("% postingan", "% of posts"),
    "share_inter": ("% interaksi", "% of interactions"),
    "followers": ("Pengikut", "Followers"),
    "er_short": ("ER (%)", "ER (%)"),
    "known": ("Mengetahui,", "Acknowledged by,"),
    "nip": ("NIP.", "NIP"),
    "none": ("–", "–"),
    "interactions_short": ("interaksi", "interactions"),
    "footer": (
        "Dibuat dengan postme dari kalender konten dan metrik Instagram. ER = (suka + "
        "komentar) / pengikut saat posting × 100. Kosong (–) = data tidak ada.",
        "Made with postme from the content calendar and Instagram metrics. ER = (likes + "
        "comments) / followers at posting × 100. Empty (–) = no data.",
    ),
}


FOOTER_HEIGHT = 16.0  # mm from the page's bottom edge to the footer's first line
SIGNATURE_HEIGHT = 45.0  # place and date, two title lines, room to sign, name, NIP
MIN_CHART_HEIGHT = 38.0  # below this a chart is unreadable: the page overflows instead


def _t(key: str, language: str) -> str:
    pair = TEXT[key]
    return pair[1] if language == "en" else pair[0]


def month_title(label: str, language: str) -> str:
    year, month = label.split("-")
    return f"{month_name(int(month), language)} {year}"


def _date_text(day: dt.date, language: str) -> str:
    name = month_name(day.month, language)
    return f"{day.day} {name} {day.year}"


def _num(value: float | int | None, suffix: str = "", decimals: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".") + suffix
    return f"{value:.{decimals}f}".replace(".", ",") + suffix


def _signed(value: int | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + _num(value)


# --- charts --------------------------------------------------------------------------------


def weekly_chart(report: MonthlyReport, language: str) -> bytes:
    """Followers at the end of each week (line, left axis) and the week's engagement rate
    (bars, right axis), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    labels = [w.week.split("-")[1] for w in report.weeks]
    followers = [w.followers_end for w in report.weeks]
    rates = [w.engagement_rate_pct for w in report.weeks]
    figure = Figure(figsize=(4.2, 2.7), dpi=200)
    axis = figure.add_subplot()
    twin = axis.twinx()
    positions = list(range(len(labels)))
    twin.bar(
        positions,
        [r if r is not None else 0.0 for r in rates],
        color=["#9ecae1" if r is not None else "none" for r in rates],
        width=0.6,
        label=_t("er_short", language),
        zorder=1,
    )
    axis.set_zorder(twin.get_zorder() + 1)
    axis.patch.set_visible(False)
    known = [(p, f) for p, f in zip(positions, followers, strict=True) if f is not None]
    if known:
        axis.plot(
            [p for p, _f in known],
            [f for _p, f in known],
            color="#08519c",
            marker="o",
            linewidth=2,
            label=_t("followers", language),
        )
    axis.set_xticks(positions, labels)
    axis.set_ylabel(_t("followers", language), color="#08519c", fontsize=8)
    twin.set_ylabel(_t("er_short", language), color="#3182bd", fontsize=8)
    axis.tick_params(labelsize=7)
    twin.tick_params(labelsize=7)
    axis.ticklabel_format(axis="y", style="plain", useOffset=False)
    axis.set_title(_t("chart_weeks", language), fontsize=9)
    figure.tight_layout()
    return _png(figure)


def mix_chart(figures: MonthFigures, language: str) -> bytes:
    """Per programme, its share of the month's posts and of its interactions (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    posts = dict(figures.posts_by_program)
    inter = {k: v for k, v in figures.interactions_by_program if v is not None}
    names = sorted(posts, key=lambda n: (-posts[n], n))
    total_posts = sum(posts.values())
    total_inter = sum(inter.values())
    post_share = [posts[n] / total_posts * 100 if total_posts else 0.0 for n in names]
    inter_share = [inter.get(n, 0) / total_inter * 100 if total_inter else 0.0 for n in names]
    figure = Figure(figsize=(4.2, 2.7), dpi=200)
    axis = figure.add_subplot()
    rows = list(range(len(names)))
    axis.barh(
        [r - 0.2 for r in rows],
        post_share,
        height=0.4,
        color="#6baed6",
        label=_t("share_posts", language),
    )
    axis.barh(
        [r + 0.2 for r in rows],
        inter_share,
        height=0.4,
        color="#fd8d3c",
        label=_t("share_inter", language),
    )
    axis.set_yticks(rows, [_short(n) for n in names])
    axis.invert_yaxis()
    # Room for the longest bar and the legend, at most the whole 100 %.
    axis.set_xlim(0, min(100.0, max([*post_share, *inter_share, 10.0]) * 1.25))
    axis.tick_params(labelsize=7)
    axis.legend(fontsize=7, loc="lower right")
    axis.set_title(_t("chart_mix", language), fontsize=9)
    figure.tight_layout()
    return _png(figure)


def _short(name: str, limit: int = 18) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")  # type: ignore[attr-defined]
    return buffer.getvalue()


# --- the page ------------------------------------------------------------------------------------


def _font_files() -> tuple[Path, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def render_monthly_pdf(
    report: MonthlyReport, settings: Settings, path: Path, *, signed_on: dt.date | None = None
) -> Path:
    """Write the one-page report to ``path`` (its folder is created) and return it."""
    from fpdf import FPDF

    language = settings.language
    f = report.figures
    regular, bold = _font_files()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(14, 12, 14)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(width, 8, _t("title", language), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(
        width,
        6,
        f"{report.account} · {month_title(f.month, language)}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)

    # Key figures against last month and the same month last year.
    prev, last = report.previous, report.last_year
    greetings = f"{f.days_greeted} / {f.days_due}" if f.days_due else "–"
    table = [
        ("followers_end", [_num(m.followers_end) if m else "–" for m in (f, prev, last)]),
        ("growth", [_growth(m) for m in (f, prev, last)]),
        ("posts", [_num(m.posts) if m else "–" for m in (f, prev, last)]),
        ("interactions", [_num(m.interactions) if m else "–" for m in (f, prev, last)]),
        ("er", [_num(m.engagement_rate_pct, " %") if m else "–" for m in (f, prev, last)]),
        (
            "adherence",
            [_adherence(m) for m in (f, prev, last)],
        ),
        (
            "greetings",
            [
                greetings,
                *(
                    f"{m.days_greeted} / {m.days_due}" if m and m.days_due else "–"
                    for m in (prev, last)
                ),
            ],
        ),
    ]
    columns = [width * 0.40, width * 0.20, width * 0.20, width * 0.20]
    pdf.set_font("DejaVu", "B", 9)
    pdf.set_fill_color(222, 235, 247)
    for text, size in zip(
        [
            _t("figure", language),
            _t("this", language),
            _t("previous", language),
            _t("last_year", language),
        ],
        columns,
        strict=True,
    ):
        pdf.cell(size, 6, text, border="B", fill=True, align="L" if size == columns[0] else "R")
    pdf.ln()
    pdf.set_font("DejaVu", "", 9)
    for key, values in table:
        pdf.cell(columns[0], 5.5, _t(key, language), border="B")
        for value, size in zip(values, columns[1:], strict=True):
            pdf.cell(size, 5.5, value, border="B", align="R")
        pdf.ln()
    pdf.ln(3)

    # The comments register's month; posts by programme, format and topic; greetings
    # missed; top posts.
    _line(pdf, width, _t("comments", language), comments_text(report.comments, language))
    _line(pdf, width, _t("by_program", language), _pairs(f.posts_by_program))
    _line(pdf, width, _t("by_format", language), _pairs(format_pairs(f.posts_by_format, language)))
    _line(pdf, width, _t("by_topic", language), _pairs(f.posts_by_topic))
    missed = [
        f"{', '.join(d.names)} ({d.date.day}/{d.date.month})"
        for d in f.special_days
        if not d.greeted
    ]
    _line(pdf, width, _t("missed_days", language), "; ".join(missed) or "–")
    top = [
        f"{i}. {p.shortcode or p.link or '–'} · {p.program or '–'} · "
        f"{_date_text(p.posted_on, language)} · {_num(p.interactions)} "
        f"{_t('interactions_short', language)} · ER {_num(p.engagement_rate_pct, ' %')}"
        for i, p in enumerate(f.top_posts, start=1)
    ]
    _line(pdf, width, _t("top", language), "\n".join(top) or "–")
    pdf.ln(2)

    # The two charts side by side, smaller (same shape) when long lines above leave too
    # little room for the signature block above the footer.
    top_y = pdf.get_y()
    room = pdf.h - FOOTER_HEIGHT - SIGNATURE_HEIGHT - 6 - top_y
    chart_height = min((width - 4) / 2 * 2.7 / 4.2, max(room, MIN_CHART_HEIGHT))
    chart_width = chart_height * 4.2 / 2.7
    pdf.image(
        io.BytesIO(weekly_chart(report, language)),
        x=pdf.l_margin,
        y=top_y,
        w=chart_width,
        h=chart_height,
        alt_text=_t("chart_weeks", language),
    )
    pdf.image(
        io.BytesIO(mix_chart(f, language)),
        x=pdf.l_margin + chart_width + 4,
        y=top_y,
        w=chart_width,
        h=chart_height,
        alt_text=_t("chart_mix", language),
    )
    pdf.set_y(top_y + chart_height + 6)

    # The signature block, right half.
    _signature(pdf, settings, signed_on or report.generated_on, language)

    pdf.set_y(pdf.h - FOOTER_HEIGHT)
    pdf.set_font("DejaVu", "", 7)
    pdf.set_text_color(110, 110, 110)
    pdf.multi_cell(width, 3.5, _t("footer", language))

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def comments_text(c: CommentFigures, language: str) -> str:
    """The report's comments line: the counts, or "–" and why they are unknown."""
    if not c.known:
        return f"– ({c.reason_text(language)})"
    text = _t("comments_counts", language).format(
        comments=_num(c.comments),
        complaints=_num(c.complaints),
        questions=_num(c.questions),
        days=c.response_days,
        in_time=_num(c.answered_in_time),
        judged=_num(c.judged),
        pct=_num(c.answered_in_time_pct, " %", 0),
        hours=_num(c.median_first_response_hours, decimals=1),
    )
    if c.still_open:
        text += _t("comments_open", language).format(n=c.still_open)
    return text


def _growth(m: MonthFigures | None) -> str:
    if m is None or m.follower_growth is None:
        return "–"
    pct = "" if m.follower_growth_pct is None else f" ({_num(m.follower_growth_pct, ' %', 1)})"
    return _signed(m.follower_growth) + pct


def _adherence(m: MonthFigures | None) -> str:
    if m is None or m.plan_adherence_pct is None:
        return "–"
    return f"{_num(m.plan_adherence_pct, ' %', 0)} ({m.published}/{m.planned - m.cancelled})"


def _pairs(values: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {count}" for name, count in values) or "–"


def _line(pdf: object, width: float, label: str, text: str) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    pdf.set_font("DejaVu", "B", 9)
    label_width = 38.0
    pdf.cell(label_width, 5, label)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(width - label_width, 5, text, new_x="LMARGIN", new_y="NEXT")


def _signature(pdf: object, settings: Settings, day: dt.date, language: str) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    report = settings.report
    block = 75.0
    x = pdf.w - pdf.r_margin - block
    place = f"{report.place}, " if report.place else ""
    pdf.set_font("DejaVu", "", 10)
    for text in (
        place + _date_text(day, language),
        _t("known", language),
        report.head_title,
    ):
        pdf.set_x(x)
        pdf.cell(block, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_x(x)
    pdf.cell(
        block,
        5,
        report.head_name or "(....................................)",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 10)
    pdf.set_x(x)
    nip = report.head_nip or "...................."
    pdf.cell(block, 5, f"{_t('nip', language)} {nip}", align="C", new_x="LMARGIN", new_y="NEXT")
