"""The config file: one TOML file, validated into a frozen object.

Search order: ``--config PATH``, env ``POSTME_CONFIG``, ``./postme.toml``, the user
config dir (``platformdirs``). Unknown keys are errors, so a typo is never silently
ignored. Every key is documented in ``config.example.toml``.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# Finding the file and its language need no pydantic (``--help`` asks for the language);
# the names stay importable from here.
from postme.config_files import CONFIG_NAME as CONFIG_NAME
from postme.config_files import ENV_CONFIG as ENV_CONFIG
from postme.config_files import configured_language as configured_language
from postme.config_files import find_config as find_config
from postme.config_files import user_config_path as user_config_path
from postme.errors import ConfigError
from postme.i18n import _
from postme.rules import RULE_IDS
from postme.words import weekday_number

ENV_ENDPOINT = "POSTME_SHEETS_ENDPOINT"

Stage = Literal[
    "planned", "in_production", "ready_for_review", "approved", "published", "cancelled"
]
STAGES: tuple[Stage, ...] = (
    "planned",
    "in_production",
    "ready_for_review",
    "approved",
    "published",
    "cancelled",
)
Severity = Literal["error", "warning", "off"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _parse_hhmm(value: object) -> object:
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().replace(".", ":").split(":")
            return dt.time(int(hours), int(minutes))
        except ValueError as e:
            raise ValueError(_("'{value}' is not a time like 19:00").format(value=value)) from e
    return value


class SheetSettings(_Section):
    backend: Literal["xlsx", "gsheets"] = "xlsx"
    path: Path | None = None  # the .xlsx workbook (backend = "xlsx")
    spreadsheet: str | None = None  # key or URL (backend = "gsheets")
    credentials: Literal["service_account", "oauth"] = "service_account"
    key_file: Path | None = None  # default: gspread's ~/.config/gspread/service_account.json
    oauth_client_file: Path | None = None
    endpoint: str | None = None  # replaces https://sheets.googleapis.com (tests only)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_tries: int = Field(default=4, ge=1, le=10)
    # Google only: how long a run waits for another run's lock before it stops (a cron
    # job started while the officer runs postme by hand can wait instead of failing).
    lock_wait_seconds: float = Field(default=0.0, ge=0, le=3600)

    @model_validator(mode="after")
    def _target_present(self) -> SheetSettings:
        if self.backend == "xlsx" and self.path is None:
            raise ValueError(_("backend 'xlsx' needs path = \"planner.xlsx\""))
        if self.backend == "gsheets" and not self.spreadsheet:
            raise ValueError(_("backend 'gsheets' needs spreadsheet = \"<key or URL>\""))
        return self


class TabNames(_Section):
    # One tab, a list of tabs, or a pattern ("IG *": every tab whose title fits, so a new
    # month's tab is read without editing the config); see postme.calendar.
    calendar: str | tuple[str, ...] = "Kalender Konten"
    account_metrics: str = "Metrik Akun"
    post_metrics: str = "Metrik Postingan"
    weekly: str = "Analisis Mingguan"
    by_program: str = "Analisis Program"
    findings: str = "Temuan"


class CalendarColumns(_Section):
    date: str = "Tanggal"
    time: str | None = "Jam"
    program: str = "Program"
    format: str | None = "Format"
    title: str | None = "Judul"
    caption: str | None = "Caption"
    hashtags: str | None = "Hashtag"
    creator: str | None = "Pembuat Konten"
    editor: str | None = "Redaksi"
    verifier: str | None = "Verifikator"
    status: str | None = "Status"
    link: str | None = "Link"
    notes: str | None = "Catatan"


class CalendarSettings(_Section):
    header_row: int | None = Field(default=None, ge=1)  # None: found automatically
    columns: CalendarColumns = CalendarColumns()


class AccountColumns(_Section):
    date: str = "Tanggal"
    followers: str = "Pengikut"
    following: str = "Mengikuti"
    posts: str = "Jumlah Postingan"


class AccountMetricsSettings(_Section):
    header_row: int | None = Field(default=None, ge=1)
    columns: AccountColumns = AccountColumns()


class PostColumns(_Section):
    shortcode: str = "Shortcode"
    link: str = "Link"
    posted_at: str = "Waktu Posting"
    type: str = "Jenis"
    likes: str = "Suka"
    comments: str = "Komentar"
    views: str = "Tayangan"
    reach: str = "Jangkauan"
    saves: str = "Disimpan"
    shares: str = "Dibagikan"
    replies: str = "Balasan"  # the story columns (a Meta Story export)
    link_clicks: str = "Klik Tautan"
    profile_visits: str = "Kunjungan Profil"
    sticker_taps: str = "Ketukan Stiker"
    navigation: str = "Navigasi"
    caption: str = "Caption"
    collected_at: str = "Diambil Pada"


class PostMetricsSettings(_Section):
    header_row: int | None = Field(default=None, ge=1)
    columns: PostColumns = PostColumns()


class Program(_Section):
    name: str
    aliases: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # allowed canonical formats; empty: any
    hashtags: tuple[str, ...] = ()  # required in this programme's captions


DEFAULT_PROGRAMS = (
    Program(name="SIKAKUNG", formats=("photo", "carousel", "video", "reels")),
    Program(name="Obral Ketan", aliases=("obrolan seputar kesehatan",), formats=("live",)),
    Program(name="Nice to Know", aliases=("ntk",), formats=("photo", "carousel", "reels")),
    Program(name="Konde Emas", aliases=("konten edukasi germas",), hashtags=("#Germas",)),
    Program(name="Info Grafis", aliases=("infografis",), formats=("photo", "carousel")),
    Program(name="Ucapan Hari Besar", aliases=("ucapan",), formats=("photo",)),
)

DEFAULT_STATUSES: dict[Stage, tuple[str, ...]] = {
    "planned": ("rencana", "direncanakan", "planned", "draft", "ide", "belum"),
    "in_production": ("proses", "produksi", "sedang dibuat", "in production", "dikerjakan"),
    "ready_for_review": ("siap review", "review", "menunggu verifikasi", "ready for review"),
    "approved": ("disetujui", "acc", "approved", "terverifikasi", "siap upload"),
    "published": ("terupload", "sudah upload", "diunggah", "tayang", "posted", "published"),
    "cancelled": ("batal", "dibatalkan", "cancelled", "canceled"),
}

DEFAULT_FORMATS: dict[str, tuple[str, ...]] = {
    "photo": ("foto", "feed", "gambar", "single", "image", "poster"),
    "carousel": ("carousel", "karosel", "slide", "album"),
    "video": ("video",),
    "reels": ("reels", "reel"),
    "live": ("live", "siaran langsung", "ig live", "live streaming"),
    "story": ("story", "stories", "instastory"),
}

DEFAULT_GENERIC_HASHTAGS = ("#reels", "#explore", "#viral", "#fyp", "#foryou", "#foryoupage")

DEFAULT_CERDIK_WORDS = (
    "cek kesehatan",
    "enyahkan asap rokok",
    "rokok",
    "aktivitas fisik",
    "aktifitas fisik",
    "olahraga",
    "diet seimbang",
    "gizi seimbang",
    "istirahat cukup",
    "tidur cukup",
    "kelola stres",
    "kelola stress",
    "cerdik",
)


class RequiredFields(_Section):
    planned: tuple[str, ...] = ()
    in_production: tuple[str, ...] = ("creator",)
    ready_for_review: tuple[str, ...] = ("caption", "creator", "editor")
    approved: tuple[str, ...] = ("caption", "verifier")
    published: tuple[str, ...] = ("caption", "verifier", "link")


class PolicySettings(_Section):
    caption_max_chars: int = Field(default=2200, ge=1)
    max_hashtags: int = Field(default=5, ge=0)  # Instagram's cap since December 2025
    generic_hashtags: tuple[str, ...] = DEFAULT_GENERIC_HASHTAGS
    mentions_max: int = Field(default=20, ge=0)
    required_hashtags: tuple[str, ...] = ()
    banned_phrases: tuple[str, ...] = ("pasti sembuh", "obat ajaib", "100% ampuh", "dijamin sembuh")
    posting_window: tuple[dt.time, dt.time] = (dt.time(6, 0), dt.time(21, 0))
    cerdik_words: tuple[str, ...] = DEFAULT_CERDIK_WORDS
    cerdik_programs: tuple[str, ...] = ("Konde Emas",)  # checked by cerdik-missing
    required_fields: RequiredFields = RequiredFields()
    severity: dict[str, Severity] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _old_hashtag_limits(cls, data: object) -> object:
        """Configs written before max_hashtags (postme init wrote them) keep loading:
        ``hashtags_warn_above`` (it was Instagram's cap) is read as ``max_hashtags``;
        ``hashtags_error_above`` (a second, higher level) has no meaning any more."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        old_cap = data.pop("hashtags_warn_above", None)
        data.pop("hashtags_error_above", None)
        if old_cap is not None and "max_hashtags" not in data:
            data["max_hashtags"] = old_cap
        return data

    @field_validator("posting_window", mode="before")
    @classmethod
    def _window(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(_parse_hhmm(v) for v in value)
        return value

    @field_validator("severity")
    @classmethod
    def _known_rules(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        unknown = sorted(set(value) - set(RULE_IDS))
        if unknown:
            raise ValueError(
                _("unknown rule '{rule}'; rules are: {rules}").format(
                    rule=unknown[0], rules=", ".join(RULE_IDS)
                )
            )
        return value

    @field_validator("required_fields")
    @classmethod
    def _known_fields(cls, value: RequiredFields) -> RequiredFields:
        known = set(CalendarColumns.model_fields)
        for stage, fields in value.model_dump().items():
            for name in fields:
                if name not in known:
                    raise ValueError(
                        _("{stage}: unknown field '{name}'; fields are: {fields}").format(
                            stage=stage, name=name, fields=", ".join(sorted(known))
                        )
                    )
        return value


class Slot(_Section):
    program: str
    days: tuple[int, ...]  # 0 = Monday
    time: dt.time | None = None

    @field_validator("days", mode="before")
    @classmethod
    def _weekday_names(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        days = []
        for item in value:
            if isinstance(item, str):
                number = weekday_number(item)
                if number is None:
                    raise ValueError(
                        _("'{day}' is not a weekday (senin … minggu, monday … sunday)").format(
                            day=item
                        )
                    )
                days.append(number)
            else:
                days.append(item)
        return tuple(days)

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: object) -> object:
        return _parse_hhmm(value)


class ScheduleSettings(_Section):
    min_posts_per_day: int = Field(default=1, ge=0)
    grace_minutes: int = Field(default=120, ge=0)
    lookahead_days: int = Field(default=14, ge=0, le=366)
    greeting_program: str = "Ucapan Hari Besar"
    include_cuti_bersama: bool = False


class HealthDaySettings(_Section):
    replace: bool = False  # drop the shipped list and use only `days`
    days: tuple[dict[str, Any], ...] = ()

    @model_validator(mode="after")
    def _days_readable(self) -> HealthDaySettings:
        from postme.healthdays import load_health_day_rules

        try:
            load_health_day_rules(self.days, self.replace)
        except ConfigError as e:
            raise ValueError(str(e)) from None
        return self


class InstagramSettings(_Section):
    username: str | None = None
    session_file: Path | None = None  # default: instaloader's own session file for the user
    request_budget: int = Field(default=60, ge=1, le=2000)
    max_wait_seconds: float = Field(default=120.0, ge=0)
    window_weeks: int = Field(default=2, ge=1, le=52)  # last complete week + current one


# --- [comments]: the register of comments that need an answer (docs/comments.md) ---------
class CommentSettings(_Section):
    enabled: bool = True
    days: int = Field(default=14, ge=1, le=90)  # comments on posts of the last N days
    response_days: int = Field(default=3, ge=1, le=60)  # first answer due (SP4N-LAPOR!: 3)
    tab: str = "Komentar"
    keep_other_text: bool = True  # false: "other" comments are only counted, no row
    complaint_words: tuple[str, ...] = (
        "antre lama", "antri lama", "antrean panjang", "lama sekali", "kecewa", "mengecewakan",
        "tidak ramah", "gak ramah", "judes", "ketus", "obat habis", "obat kosong",
        "bpjs ditolak", "ditolak", "dipersulit", "pungli", "kotor", "jorok", "lambat",
        "tidak dilayani", "komplain", "keluhan", "parah", "disappointed", "rude", "long queue",
        "complaint", "waited for hours",
    )  # fmt: skip
    question_words: tuple[str, ...] = (
        "?", "kapan", "jam buka", "jam berapa", "bagaimana", "gimana", "apakah", "apa bisa",
        "bisakah", "dimana", "di mana", "berapa", "syarat", "mohon info", "tanya",
        "when", "how", "where", "opening hours",
    )  # fmt: skip
    urgent_words: tuple[str, ...] = (
        "darurat", "gawat", "meninggal", "keracunan", "malpraktik", "malpraktek", "pingsan",
        "kritis", "ambulans", "viral", "lapor polisi", "emergency",
    )  # fmt: skip
    spam_words: tuple[str, ...] = (
        "slot", "gacor", "judi", "togel", "pinjol", "cek dm", "follow back", "jual followers",
        "promo", "http", "https", "www",
    )  # fmt: skip


class AccountEntry(_Section):
    """One account of a city roll-up: its own postme config file."""

    config: Path
    name: str | None = None  # default: that config's account name


class RollupSettings(_Section):
    """A city office's roll-up: one row per account per week in this config's sheet."""

    tab: str = "Rekap Kota"
    concurrency: int = Field(default=2, ge=1, le=16)  # accounts run at the same time
    requests_per_minute: int = Field(default=60, ge=1, le=300)  # per Google credential
    instagram_gap_seconds: float = Field(default=30.0, ge=0)  # between live Instagram reads


class ReportSettings(_Section):
    """[report]: the monthly report and the history tabs (postme.monthly, postme.history)."""

    title: str = ""  # the Puskesmas's name on the report (default: the account name)
    topics: dict[str, str] = {}  # programme → Dinkes promkes topic (PHBS, KIA, Gizi, …)
    place: str = ""  # the town in the signature block: "Surabaya, 1 Desember 2026"
    head_title: str = "Kepala Puskesmas"
    head_name: str = ""
    head_nip: str = ""
    output_dir: Path | None = None  # where the PDF goes (default: beside the config file)
    tab: str = "Laporan Bulanan"
    best_time_tab: str = "Waktu Terbaik"
    best_time_weeks: int = Field(default=16, ge=1, le=104)
    best_time_min_posts: int = Field(default=3, ge=1, le=50)


# The names of the tabs and headers postme creates, in an English config.
ENGLISH_TAB_NAMES = {
    "account_metrics": "Account Metrics",
    "post_metrics": "Post Metrics",
    "weekly": "Weekly Analysis",
    "by_program": "Programme Analysis",
    "findings": "Findings",
}
ENGLISH_COLUMNS: dict[str, dict[str, str]] = {
    "account_metrics": {
        "date": "Date",
        "followers": "Followers",
        "following": "Following",
        "posts": "Posts",
    },
    "post_metrics": {
        "shortcode": "Shortcode",
        "link": "Link",
        "posted_at": "Posted At",
        "type": "Type",
        "likes": "Likes",
        "comments": "Comments",
        "views": "Views",
        "reach": "Reach",
        "saves": "Saves",
        "shares": "Shares",
        "caption": "Caption",
        "collected_at": "Collected At",
    },
}


class UnknownWords(_Section):
    """Words found in the calendar that ``postme init`` could not place (``check``: ✗)."""

    statuses: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


class Settings(_Section):
    """The whole validated config. ``source`` is the file it came from."""

    language: Literal["id", "en"] = "id"
    timezone: str = "Asia/Jakarta"
    account: str | None = None  # a short name for roll-ups; default: the Instagram username
    sheet: SheetSettings
    tabs: TabNames = TabNames()
    calendar: CalendarSettings = CalendarSettings()
    account_metrics: AccountMetricsSettings = AccountMetricsSettings()
    post_metrics: PostMetricsSettings = PostMetricsSettings()
    programs: tuple[Program, ...] = DEFAULT_PROGRAMS
    statuses: dict[Stage, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_STATUSES))
    formats: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_FORMATS))
    policy: PolicySettings = PolicySettings()
    schedule: ScheduleSettings = ScheduleSettings()
    slots: tuple[Slot, ...] = ()
    health_days: HealthDaySettings = HealthDaySettings()
    instagram: InstagramSettings = InstagramSettings()
    comments: CommentSettings = CommentSettings()
    accounts: tuple[AccountEntry, ...] = ()
    rollup: RollupSettings | None = None
    report: ReportSettings = ReportSettings()
    unknown_words: UnknownWords = UnknownWords()
    source: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _english_defaults(cls, data: Any) -> Any:
        """An English config names the tabs and headers postme creates in English."""
        if not isinstance(data, dict) or data.get("language") != "en":
            return data
        data = dict(data)
        data["tabs"] = ENGLISH_TAB_NAMES | dict(data.get("tabs") or {})
        for section, columns in ENGLISH_COLUMNS.items():
            block = dict(data.get(section) or {})
            block["columns"] = columns | dict(block.get("columns") or {})
            data[section] = block
        return data

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(
                _("unknown timezone '{zone}' (e.g. Asia/Jakarta, Asia/Makassar)").format(zone=value)
            ) from e
        return value

    @model_validator(mode="after")
    def _programs_named(self) -> Settings:
        known = ", ".join(p.name for p in self.programs)
        for slot in self.slots:
            if self.program_named(slot.program) is None:
                raise ValueError(
                    _("slots: program '{program}' is not in [[programs]] ({names})").format(
                        program=slot.program, names=known
                    )
                )
        if "cerdik_programs" in self.policy.model_fields_set:
            for name in self.policy.cerdik_programs:
                if self.program_named(name) is None:
                    raise ValueError(
                        f"[policy] cerdik_programs: {name!r} is not in [[programs]] ({known}); "
                        "name your CERDIK programme as it is in [[programs]]"
                    )
        return self

    def program_named(self, name: str) -> Program | None:
        """The [[programs]] entry ``name`` names, by its name or an alias (case ignored)."""
        wanted = name.strip().casefold()
        for program in self.programs:
            if wanted == program.name.casefold() or wanted in (
                a.casefold() for a in program.aliases
            ):
                return program
        return None

    @property
    def cerdik_programs(self) -> tuple[str, ...]:
        """The [[programs]] names that cerdik-missing checks (configured names resolved)."""
        found = (self.program_named(name) for name in self.policy.cerdik_programs)
        return tuple(dict.fromkeys(p.name for p in found if p is not None))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def account_name(self) -> str:
        return self.account or self.instagram.username or self.sheet_label

    @property
    def sheet_label(self) -> str:
        if self.sheet.backend == "xlsx":
            return str(self.sheet.path)
        return str(self.sheet.spreadsheet)


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Find, read and validate the config. Relative paths in it are relative to its folder."""
    env = os.environ if env is None else env
    config_path = find_config(path, env)
    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(
            _("{path}: not valid TOML: {error}").format(path=config_path, error=e)
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(
            _("{path}: cannot be read: {error}").format(path=config_path, error=e)
        ) from None
    return settings_from_dict(data, config_path, env)


def settings_from_dict(
    data: Mapping[str, Any], source: Path | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if env is None else env
    data = dict(data)
    sheet = dict(data.get("sheet") or {})
    if env.get(ENV_ENDPOINT):
        sheet["endpoint"] = env[ENV_ENDPOINT]
    base = source.parent if source else Path.cwd()
    for key in ("path", "key_file", "oauth_client_file"):
        if isinstance(sheet.get(key), str):
            sheet[key] = str(_resolve(base, sheet[key]))
    data["sheet"] = sheet
    instagram = dict(data.get("instagram") or {})
    if isinstance(instagram.get("session_file"), str):
        instagram["session_file"] = str(_resolve(base, instagram["session_file"]))
        data["instagram"] = instagram
    accounts = []
    for entry in data.get("accounts") or ():
        if isinstance(entry, dict) and isinstance(entry.get("config"), str):
            entry = {**entry, "config": str(_resolve(base, entry["config"]))}
        accounts.append(entry)
    if accounts:
        data["accounts"] = accounts
    data["source"] = source
    try:
        return Settings.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_describe_validation_error(e, source)) from None


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _describe_validation_error(error: ValidationError, source: Path | None) -> str:
    name = source.name if source else "config"
    lines = []
    for item in error.errors():
        location = _location(item["loc"])
        if item["type"] == "extra_forbidden":
            message = _("unknown key (check the spelling against config.example.toml)")
        elif item["type"] == "missing":
            message = _("required key is missing")
        else:
            message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {location}: {message}")
    return "\n".join(lines)


def _location(loc: tuple[int | str, ...]) -> str:
    """('policy', 'caption_max_chars') → '[policy] caption_max_chars'."""
    parts = [str(p) for p in loc]
    if not parts:
        return "(top level)"
    if len(parts) == 1:
        return parts[0]
    return f"[{'.'.join(parts[:-1])}] {parts[-1]}"
