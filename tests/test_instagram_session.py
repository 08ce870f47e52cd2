"""``postme login`` and session checks, with instaloader's real login code answered by a
fake at ``requests.Session.send``. The password and cookies must never be printed."""

from __future__ import annotations

import json
import os
import pickle
import stat
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from fakes.instagram import BAKUNG, make_response, write_session

from postme.errors import InstagramError
from postme.instagram.session import default_session_file, login, session_info

PASSWORD = "Rahasia-Sekali-123"
SESSIONID = "51234567890%3AsecretSESSION%3A12"


pytestmark = pytest.mark.usefixtures("no_network")


class FakeLogin:
    """Instagram's login endpoints as instaloader 4.16 calls them."""

    def __init__(self, answer: dict[str, Any], two_factor_ok: bool = True) -> None:
        self.answer = answer
        self.two_factor_ok = two_factor_ok
        self.codes: list[str] = []
        self.passwords_seen: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeLogin:
        fake = self

        def send(session: requests.Session, request: requests.PreparedRequest, **kw: Any) -> Any:
            return fake.send(session, request)

        monkeypatch.setattr(requests.Session, "send", send)
        return self

    def send(self, session: requests.Session, request: requests.PreparedRequest) -> Any:
        url = request.url or ""
        form = urllib.parse.parse_qs(str(request.body or ""))
        if url == "https://www.instagram.com/":
            session.cookies.set("csrftoken", "csrf-1")
            return make_response(request, 200, "<html></html>")
        if url.endswith("/api/v1/web/accounts/login/ajax/"):
            self.passwords_seen.append(form["enc_password"][0])
            return self._logged_in(session, request, self.answer)
        if url.endswith("/accounts/login/ajax/two_factor/"):
            self.codes.append(form["verificationCode"][0])
            if not self.two_factor_ok:
                return make_response(request, 200, {"status": "fail", "message": "code wrong"})
            ok = {"authenticated": True, "user": True, "status": "ok"}
            return self._logged_in(session, request, ok, force=True)
        raise AssertionError(f"unexpected request {url}")

    def _logged_in(
        self,
        session: requests.Session,
        request: requests.PreparedRequest,
        answer: dict[str, Any],
        force: bool = False,
    ) -> requests.Response:
        response = make_response(request, 200, answer)
        response.cookies.set("csrftoken", "csrf-2")
        if answer.get("authenticated") or force:
            for name, value in (("sessionid", SESSIONID), ("ds_user_id", "51234567890")):
                session.cookies.set(name, value)
                response.cookies.set(name, value)
        return response


class Asked:
    """A prompt that answers ``value`` and records that it was asked."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.calls: list[str] = []

    def __call__(self) -> str:
        self.calls.append("asked")
        return self.value


def test_login_saves_a_private_session_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    FakeLogin({"authenticated": True, "user": True, "status": "ok"}).install(monkeypatch)
    code = Asked("000000")
    target = tmp_path / "sessions" / "session-puskesmas.bakung"

    path = login("@Puskesmas.Bakung", Asked(PASSWORD), code, target)

    assert path == target
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with path.open("rb") as handle:
        cookies = pickle.load(handle)
    assert cookies["sessionid"] == SESSIONID
    assert code.calls == []  # no 2FA asked
    out = capsys.readouterr()
    for secret in (PASSWORD, SESSIONID, "csrf-2"):
        assert secret not in out.out + out.err
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_login_with_two_factor_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answer = {
        "two_factor_required": True,
        "two_factor_info": {"two_factor_identifier": "2fa-id"},
        "status": "fail",
    }
    fake = FakeLogin(answer).install(monkeypatch)
    path = login(BAKUNG, Asked(PASSWORD), Asked(" 123 456 "), tmp_path / "s")
    assert fake.codes == ["123456"]
    with path.open("rb") as handle:
        assert pickle.load(handle)["sessionid"] == SESSIONID


@pytest.mark.parametrize(
    ("answer", "two_factor_ok", "expected"),
    [
        ({"authenticated": False, "user": True, "status": "ok"}, True, "wrong password"),
        (
            {"checkpoint_url": "/challenge/1/", "status": "fail", "message": "checkpoint_required"},
            True,
            "confirm it is you",
        ),
        (
            {
                "two_factor_required": True,
                "two_factor_info": {"two_factor_identifier": "x"},
                "status": "fail",
            },
            False,
            "wrong password or code",
        ),
        (
            {"status": "fail", "message": "Please wait a few minutes before you try again."},
            True,
            "usually lasts several hours",
        ),
    ],
)
def test_login_failures_are_plain_and_secret_free(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    answer: dict[str, Any],
    two_factor_ok: bool,
    expected: str,
) -> None:
    FakeLogin(answer, two_factor_ok).install(monkeypatch)
    with pytest.raises(InstagramError) as caught:
        login(BAKUNG, Asked(PASSWORD), Asked("111111"), tmp_path / "s")
    assert expected in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert not (tmp_path / "s").exists()


def test_login_without_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(*args: Any, **kwargs: Any) -> Any:
        raise requests.exceptions.ConnectionError("Name or service not known")

    monkeypatch.setattr(requests.Session, "send", offline)
    with pytest.raises(InstagramError, match="no network"):
        login(BAKUNG, Asked(PASSWORD), Asked("1"), tmp_path / "s")


def test_session_info_without_network(tmp_path: Path) -> None:
    path = write_session(tmp_path / "session-x")
    now = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) + timedelta(days=3, hours=12)
    info = session_info(path, now=now)
    assert (info.exists, info.age_days, info.mode_ok) == (True, 3.5, True)
    path.chmod(0o644)
    assert session_info(path, now=now).mode_ok is (os.name == "nt")
    missing = session_info(tmp_path / "nothing")
    assert (missing.exists, missing.age_days, missing.mode_ok) == (False, None, None)


def test_default_session_file_is_instaloaders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/petugas/.config")
    if os.name != "nt":
        path = default_session_file("@Puskesmas.Bakung")
        assert path == Path("/home/petugas/.config/instaloader/session-puskesmas.bakung")


def test_session_file_content_is_only_cookies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    FakeLogin({"authenticated": True, "user": True, "status": "ok"}).install(monkeypatch)
    path = login(BAKUNG, Asked(PASSWORD), Asked("0"), tmp_path / "s")
    raw = path.read_bytes()
    assert PASSWORD.encode() not in raw
    assert json.dumps(PASSWORD).encode() not in raw
