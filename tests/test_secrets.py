"""Issue 7, row 5: no private key, access token, password or session cookie in any
output, log file or exception message; files holding secrets are 0600; ``check`` warns
on a key file others can read; ``--debug`` tracebacks are scrubbed too.

The secrets are known fakes: the service-account key the local Sheets server accepts,
the access tokens it issued, an Instagram password typed at ``postme login`` and the
cookies of a session file.
"""

from __future__ import annotations

import json
import stat
import traceback
from pathlib import Path
from typing import Any

import instaloader
import pytest
import requests
from fakes.demo import CLOCK, Demo, XlsxDemo, drop_cli_handlers
from fakes.instagram import BAKUNG, FakeInstagram, live, raising, write_session
from platformdirs import user_log_dir
from sheets_server import SheetsServer
from typer.testing import CliRunner

from postme.demo import DEMO_AS_OF
from postme.errors import InstagramError, PostmeError, SheetError
from postme.instagram.session import login
from postme.jobs import run_weekly
from postme.secrets import MASK, register_secret, scrub

AS_OF = DEMO_AS_OF.isoformat()
PASSWORD = "Sukamaju#Rahasia-2026"  # noqa: S105 - a fake
runner = CliRunner()


def key_secrets(key_file: Path) -> list[str]:
    info = json.loads(key_file.read_text())
    pem_lines = [
        line for line in info["private_key"].splitlines() if line and not line.startswith("-----")
    ]
    return [info["private_key_id"], *pem_lines]


def log_text() -> str:
    folder = Path(user_log_dir("postme"))
    return "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.log"))


def assert_clean(secrets: list[str], *texts: str) -> None:
    assert secrets
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret {secret[:12]}… leaked"


def invoke(*args: str, input: str | None = None) -> Any:
    from postme.cli import app

    drop_cli_handlers()
    return runner.invoke(app, [*args, "--lang", "en"], input=input)


def test_log_file_lands_in_the_isolated_state_dir(demo_g: Demo, sheets_env: SheetsServer) -> None:
    demo_g.server.inject("batchGet", status=429, times=1, retry_after=0)
    invoke("weekly", "-c", str(demo_g.config()), "--as-of", AS_OF, "--no-collect")
    folder = Path(user_log_dir("postme"))
    assert ".state" in folder.parts  # conftest's XDG_STATE_HOME, never the real one
    assert "answer 429; trying again" in log_text()  # retries are logged at INFO


@pytest.fixture
def demo_g(sheets_server: SheetsServer, sheets_key_file: Path, tmp_path: Path) -> Demo:
    return Demo(sheets_server, sheets_key_file, tmp_path / "g")


# ---------------------------------------------------------------- Google: key and token


@pytest.mark.parametrize(
    "setup",
    [
        lambda d: None,
        lambda d: d.server.inject("batchGet", status=429, times=2, retry_after=0),
        lambda d: d.server.inject("batchUpdate", status=401, times=3),
        lambda d: d.server.inject("batchUpdate", status=500, times=10, retry_after=0, skip=1),
        lambda d: d.server.revoke_key("postme-bot@test-project.iam.gserviceaccount.com"),
    ],
    ids=["ok", "429-retries", "401", "500-write", "key-revoked"],
)
def test_no_key_or_token_in_any_output(demo_g: Demo, sheets_env: SheetsServer, setup: Any) -> None:
    setup(demo_g)
    config = str(demo_g.config(max_tries=2))
    outputs: list[str] = []
    for extra in ([], ["--json"], ["--debug"]):
        result = invoke("weekly", "-c", config, "--as-of", AS_OF, "--no-collect", *extra)
        outputs += [result.stdout, result.stderr]
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            outputs.append("".join(traceback.format_exception(result.exception)))
    secrets = key_secrets(demo_g.key_file) + sheets_env.issued_tokens()
    assert_clean(secrets, *outputs, log_text())


def test_a_signed_assertion_quoted_by_the_token_endpoint_is_never_shown(
    demo_g: Demo, sheets_env: SheetsServer
) -> None:
    # Issue 19: with --debug, a token endpoint error quoting the JWT assertion printed it
    # (it can be traded for access tokens for an hour).
    sheets_env.quote_assertions = True
    sheets_env.revoke_key("postme-bot@test-project.iam.gserviceaccount.com")
    config = str(demo_g.config(max_tries=1))
    outputs: list[str] = []
    for extra in ([], ["--json"], ["--debug"]):
        result = invoke("weekly", "-c", config, "--as-of", AS_OF, "--no-collect", *extra)
        assert result.exit_code == 3
        outputs += [result.stdout, result.stderr]
    text = "\n".join([*outputs, log_text()])
    assert "invalid_grant" in text or "refused" in text
    assert "eyJ" not in text  # no JWT (header, claims or signature) anywhere


def test_secret_shapes_are_masked() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4QHkuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    access = "ya29.a0AfB_byC-abcdefghijklmnop"
    refresh = "1//0gLmnopQRSTuvwxyz-ABCDEF_123"
    text = scrub(f"grant failed: {jwt}; token {access}; refresh {refresh}.")
    assert jwt not in text and "eyJ" not in text
    assert access not in text and refresh not in text
    assert text.count(MASK) == 3
    assert scrub("see https://example.org/a//b and 1//2") == "see https://example.org/a//b and 1//2"


def test_a_token_echoed_by_the_server_is_masked(demo_g: Demo) -> None:
    store = demo_g.store(max_tries=1)
    demo_g.weekly(store=store, source=None)  # signs in: one access token
    (token,) = demo_g.server.issued_tokens()
    body = {"error": {"code": 400, "message": f"Bad header Bearer {token} ({token})"}}
    demo_g.server.inject("batchGet", status=400, body=body)
    with pytest.raises(SheetError) as caught:
        demo_g.weekly(store=store, source=None)
    assert "refused the request" in str(caught.value)
    assert token not in str(caught.value)
    assert MASK in str(caught.value)


def test_refused_key_message_shows_no_key(demo_g: Demo) -> None:
    demo_g.server.revoke_key("postme-bot@test-project.iam.gserviceaccount.com")
    with pytest.raises(SheetError) as caught:
        demo_g.weekly(source=None)
    assert_clean(key_secrets(demo_g.key_file), str(caught.value), repr(caught.value.args))
    assert str(demo_g.key_file) in str(caught.value)


def test_postme_errors_are_scrubbed_wherever_shown() -> None:
    register_secret("s3cr3t-cookie-value")
    error = InstagramError("could not read (s3cr3t-cookie-value) Bearer abcdefghijkl")
    assert str(error) == f"could not read ({MASK}) Bearer {MASK}"
    assert "s3cr3t" not in "".join(traceback.format_exception(error))
    assert isinstance(error, PostmeError)


def test_private_key_fragments_are_masked(sheets_key_file: Path) -> None:
    from postme.stores.gsheets import load_service_account

    load_service_account(sheets_key_file)
    info = json.loads(sheets_key_file.read_text())
    line = info["private_key"].splitlines()[5]
    assert scrub(f"oops: {line}") == f"oops: {MASK}"
    assert scrub(json.dumps(info)).count("PRIVATE KEY") == 0
    assert info["private_key_id"] not in scrub(json.dumps(info))


def test_debug_traceback_is_printed_scrubbed(demo_g: Demo, sheets_env: SheetsServer) -> None:
    secret = "ya29-not-a-google-shape-0123456789"
    register_secret(secret)
    body = {"error": {"code": 400, "message": f"bad token {secret}"}}
    demo_g.server.inject("batchGet", status=400, body=body)
    result = invoke(
        "weekly", "-c", str(demo_g.config()), "--as-of", AS_OF, "--no-collect", "--debug"
    )
    assert result.exit_code == 3
    assert "Traceback" in result.stderr
    assert secret not in result.stderr


# ---------------------------------------------------------------- Instagram: cookie, password


def test_no_session_cookie_in_any_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    session = write_session(tmp_path / f"session-{BAKUNG}")
    cookies = ["csrf-test-token", "51234567890%3Atestsession%3A12", "Z-test-mid", "TEST-DEVICE"]
    cookie = cookies[1]
    # An odd failure whose text carries the cookie (no "sessionid=" in front of it).
    fail = raising(instaloader.exceptions.ConnectionException(f"odd answer for {cookie}"))
    FakeInstagram(pages=[[]], fail=fail).install(monkeypatch)
    import postme.jobs

    monkeypatch.setattr(postme.jobs, "open_source", lambda settings, *a: live(session))
    demo = XlsxDemo(tmp_path / "x")
    outputs = []
    for extra in ([], ["--json"], ["--debug"]):
        result = invoke("weekly", "-c", str(demo.folder / "postme.toml"), "--as-of", AS_OF, *extra)
        assert result.exit_code == 4, result.output
        outputs += [result.stdout, result.stderr]
    assert "could not be read" in outputs[1]
    assert_clean(cookies, *outputs, log_text())
    weekly = run_weekly(demo.settings, DEMO_AS_OF, source=live(session), now=CLOCK)
    assert weekly.collect is not None and weekly.collect.error is not None
    assert_clean(cookies, weekly.collect.error, json.dumps(weekly.to_json()))


def test_no_password_in_login_output_and_session_is_0600(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(self: Any, user: str, password: str) -> None:
        raise instaloader.exceptions.LoginException(f"Login error: {user}/{password} refused")

    monkeypatch.setattr(instaloader.Instaloader, "login", refuse)
    monkeypatch.setattr(requests.Session, "send", lambda *a, **k: pytest.fail("network"))
    target = tmp_path / "sessions" / f"session-{BAKUNG}"
    result = invoke("login", BAKUNG, "--session-file", str(target), input=PASSWORD + "\n")
    assert result.exit_code == 4
    assert "Instagram refused the login" in result.stderr
    assert_clean([PASSWORD], result.stdout, result.stderr)
    assert not target.exists()

    # The same login accepted: the session file is written 0600, in a 0700 folder.
    monkeypatch.setattr(instaloader.Instaloader, "login", lambda self, user, password: None)
    path = login(BAKUNG, lambda: PASSWORD, lambda: "000000", session_file=target)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert PASSWORD.encode() not in path.read_bytes()


def test_login_errors_never_show_the_password() -> None:
    class Loader:
        context = None

        def login(self, user: str, password: str) -> None:
            raise requests.exceptions.ConnectionError(f"POST /login password={password}")

        def close(self) -> None:
            pass

    with pytest.raises(InstagramError) as caught:
        login(BAKUNG, lambda: PASSWORD, lambda: "", loader_factory=Loader)  # type: ignore[arg-type]
    assert PASSWORD not in str(caught.value)


# ---------------------------------------------------------------- files and check


def test_oauth_sign_in_file_is_0600(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import gspread.auth
    from google.oauth2.credentials import Credentials

    from postme.stores.gsheets import oauth_sign_in

    client = tmp_path / "credentials.json"
    client.write_text(json.dumps({"installed": {"client_id": "x", "client_secret": "y"}}))
    creds = Credentials(  # type: ignore[no-untyped-call]
        token="ya29.fake", refresh_token="1//fake-refresh", client_id="x", client_secret="y"
    )
    monkeypatch.setattr(gspread.auth, "local_server_flow", lambda **kw: creds)
    target = oauth_sign_in(client, tmp_path / "out" / "authorized_user.json")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(("mode", "warns"), [(0o644, True), (0o640, True), (0o600, False)])
def test_check_warns_on_a_key_file_others_can_read(
    demo_g: Demo, sheets_env: SheetsServer, mode: int, warns: bool
) -> None:
    demo_g.key_file.chmod(mode)
    result = invoke("check", "-c", str(demo_g.config()), "--json")
    text = result.stdout
    assert ("other users on this computer can read the key" in text) == warns
    assert (f"chmod 600 {demo_g.key_file}" in text) == warns
    assert_clean(key_secrets(demo_g.key_file), result.stdout, result.stderr)
