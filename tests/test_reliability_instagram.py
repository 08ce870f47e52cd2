"""Issue 7, row 2: Instagram faults during ``weekly``. Each one leaves the rest of the
weekly job written (analysis, findings) and ends with exit code 4, with a message that
says what to do.

The live source runs instaloader's own code; only ``requests.Session.send`` is faked
(``FakeInstagram`` from tests/fakes/instagram.py), as in tests/test_instagram_live.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from fakes.demo import Demo, XlsxDemo
from fakes.instagram import (
    BAKUNG,
    PLEASE_WAIT,
    PROFILE_DOC_ID,
    TIMELINE_DOC_ID,
    FakeInstagram,
    live,
    make_response,
    media,
    raising,
    utc,
    write_session,
)
from sheets_server import SheetsServer
from typer.testing import CliRunner

from postme.demo import DEMO_AS_OF
from postme.errors import ExitCode
from postme.jobs import WeeklyResult

CALENDAR = "Kalender Konten"
AS_OF = DEMO_AS_OF.isoformat()
runner = CliRunner()

Responder = Callable[[requests.PreparedRequest], Any]
REAL_SEND = requests.Session.send


pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    return write_session(tmp_path / "session" / f"session-{BAKUNG}")


def profile_page(status: int, body: Any = "", headers: dict[str, str] | None = None) -> Responder:
    def fail(request: requests.PreparedRequest) -> Any:
        url = request.url or ""
        if request.method == "GET" and url.endswith(f"/{BAKUNG}/"):
            return make_response(request, status, body, headers)
        return None

    return fail


def query(doc_id: str, status: int, body: Any) -> Responder:
    def fail(request: requests.PreparedRequest) -> Any:
        if request.body and doc_id in str(request.body):
            return make_response(request, status, body)
        return None

    return fail


LOGIN_REQUIRED = {"message": "login_required", "require_login": True, "status": "fail"}
CHECKPOINT = {"message": "checkpoint_required", "status": "fail"}
LOGIN_REDIRECT = {"location": "https://www.instagram.com/accounts/login/"}

# (id, responder, words of the message, the profile was read before the failure)
FAULTS: list[tuple[str, Responder, str, bool]] = [
    ("401-please-wait", profile_page(401, PLEASE_WAIT), "usually lasts several hours", False),
    ("429", profile_page(429, ""), "too many requests (429)", False),
    (
        "429-part-way",
        query(TIMELINE_DOC_ID, 429, {"status": "fail", "message": "rate"}),
        "asked us to wait",
        True,
    ),
    ("login-required", query(PROFILE_DOC_ID, 401, LOGIN_REQUIRED), "requires a login", True),
    ("checkpoint", query(PROFILE_DOC_ID, 400, CHECKPOINT), "checkpoint", True),
    (
        "checkpoint-part-way",
        query(TIMELINE_DOC_ID, 400, {"message": "challenge_required", "status": "fail"}),
        "checkpoint",
        True,
    ),
    ("profile-not-found", profile_page(404, ""), "does not exist", False),
    (
        "no-network",
        raising(requests.exceptions.ConnectionError("Name or service not known")),
        "no network connection",
        False,
    ),
    (
        "session-expired",
        profile_page(302, "", LOGIN_REDIRECT),
        "logged the saved session out",
        False,
    ),
]


@pytest.fixture
def xlsx_demo(tmp_path: Path) -> XlsxDemo:
    return XlsxDemo(tmp_path / "demo")


@pytest.fixture
def no_collect_tabs(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The workbook after a weekly run without Instagram (what "the rest" looks like)."""
    other = XlsxDemo(tmp_path / "no-collect")
    other.weekly(None)
    return other.snapshot()


def _messages(result: WeeklyResult) -> str:
    assert result.collect is not None
    notes = result.collect.collection.notes if result.collect.collection else ()
    return " ".join([result.collect.error or "", *notes])


@pytest.mark.parametrize(
    ("responder", "expected", "profile_read"),
    [f[1:] for f in FAULTS],
    ids=[f[0] for f in FAULTS],
)
def test_instagram_fault_keeps_the_rest_and_exits_4(
    monkeypatch: pytest.MonkeyPatch,
    session_file: Path,
    xlsx_demo: XlsxDemo,
    no_collect_tabs: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    responder: Responder,
    expected: str,
    profile_read: bool,
) -> None:
    before = xlsx_demo.snapshot()
    fake = FakeInstagram(pages=[[media("BkgNew00001", utc(2026, 11, 20))]], fail=responder)
    fake.install(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="postme"):
        result = xlsx_demo.weekly(live(session_file))
    assert result.exit_code == ExitCode.PARTIAL
    assert result.written
    assert expected in _messages(result)
    assert expected in caplog.text  # on stderr and in the log file of a cron run
    after = xlsx_demo.snapshot()
    assert after[CALENDAR] == before[CALENDAR]
    assert after["Metrik Postingan"] == before["Metrik Postingan"]  # no post was read
    if profile_read:
        # The follower count read before the failure is kept: one snapshot row more.
        assert len(after["Metrik Akun"]) == len(before["Metrik Akun"]) + 1
    else:
        assert after["Metrik Akun"] == before["Metrik Akun"]
        for tab in ("Analisis Mingguan", "Analisis Program", "Temuan"):
            assert after[tab] == no_collect_tabs[tab], tab  # the rest, as without Instagram


@pytest.mark.parametrize(
    "content", [b"garbage, not a pickle", b"", b"\x80\x04}\x94."], ids=["garbage", "empty", "{}"]
)
def test_corrupt_session_file_keeps_the_rest_and_exits_4(
    session_file: Path, xlsx_demo: XlsxDemo, no_collect_tabs: dict[str, Any], content: bytes
) -> None:
    session_file.write_bytes(content)
    result = xlsx_demo.weekly(live(session_file))
    assert result.exit_code == ExitCode.PARTIAL
    assert "is damaged" in _messages(result) and f"postme login {BAKUNG}" in _messages(result)
    assert xlsx_demo.snapshot()["Analisis Mingguan"] == no_collect_tabs["Analisis Mingguan"]


def test_missing_session_file_keeps_the_rest_and_exits_4(
    tmp_path: Path, xlsx_demo: XlsxDemo
) -> None:
    result = xlsx_demo.weekly(live(tmp_path / "nowhere" / "session"))
    assert result.exit_code == ExitCode.PARTIAL
    assert "No saved Instagram session" in _messages(result)
    assert result.written


class ExplodingSource:
    """A source with a bug: anything it raises must not stop the weekly job."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def fetch(self, since: dt.datetime, progress: Any = None) -> Any:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [RuntimeError("boom"), KeyError("edge_owner"), OSError(5, "Input/output error")],
    ids=["runtime", "keyerror", "oserror"],
)
def test_unexpected_source_error_is_not_a_traceback(
    xlsx_demo: XlsxDemo, no_collect_tabs: dict[str, Any], error: Exception
) -> None:
    result = xlsx_demo.weekly(ExplodingSource(error))
    assert result.exit_code == ExitCode.PARTIAL
    assert result.collect is not None and result.collect.error is not None
    assert type(error).__name__ in result.collect.error
    assert "postme collect --debug" in result.collect.error
    assert xlsx_demo.snapshot()["Analisis Mingguan"] == no_collect_tabs["Analisis Mingguan"]


# ---------------------------------------------------------------- through the CLI


def _patch_open_source(monkeypatch: pytest.MonkeyPatch, session: Path) -> None:
    import postme.jobs

    monkeypatch.setattr(postme.jobs, "open_source", lambda settings, *a: live(session))


@pytest.mark.parametrize(
    ("responder", "expected"),
    [
        (FAULTS[0][1], "usually lasts"),
        (FAULTS[3][1], "requires a login"),
        (FAULTS[-1][1], "logged"),
    ],
    ids=["401-please-wait", "login-required-part-way", "session-expired"],
)
def test_cli_weekly_exit_4_on_xlsx(
    monkeypatch: pytest.MonkeyPatch,
    session_file: Path,
    xlsx_demo: XlsxDemo,
    responder: Responder,
    expected: str,
) -> None:
    from postme.cli import app

    FakeInstagram(pages=[[]], fail=responder).install(monkeypatch)
    _patch_open_source(monkeypatch, session_file)
    result = runner.invoke(
        app,
        ["weekly", "-c", str(xlsx_demo.folder / "postme.toml"), "--as-of", AS_OF, "--lang", "en"],
    )
    assert result.exit_code == ExitCode.PARTIAL, result.output
    assert expected in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    weeks = [r[0] for r in xlsx_demo.snapshot()["Analisis Mingguan"][1:]]
    assert "2026-W47" in weeks


def test_cli_weekly_exit_4_on_google_sheets(
    monkeypatch: pytest.MonkeyPatch,
    session_file: Path,
    sheets_env: SheetsServer,
    sheets_key_file: Path,
    tmp_path: Path,
) -> None:
    from postme.cli import app

    demo = Demo(sheets_env, sheets_key_file, tmp_path / "g")
    fake = FakeInstagram(pages=[[]], fail=FAULTS[0][1])

    def send(session: requests.Session, request: requests.PreparedRequest, **kw: Any) -> Any:
        if (request.url or "").startswith((sheets_env.url, "https://sheets.googleapis.com")):
            return REAL_SEND(session, request, **kw)  # the local Sheets server, for real
        return fake.answer(request)

    monkeypatch.setattr(requests.Session, "send", send)
    _patch_open_source(monkeypatch, session_file)
    before = demo.dump()
    result = runner.invoke(
        app, ["weekly", "-c", str(demo.config()), "--as-of", AS_OF, "--lang", "en"]
    )
    assert result.exit_code == ExitCode.PARTIAL, result.output
    assert "usually lasts several hours" in " ".join(result.stderr.split())
    after = demo.dump()
    assert after[CALENDAR] == before[CALENDAR]
    assert after["Metrik Postingan"] == before["Metrik Postingan"]
    assert [r[0] for r in after["Analisis Mingguan"] if r][-1] == "2026-W47"
