"""Instagram sessions: made once by hand with ``postme login``, then only loaded.

A session is instaloader's own pickled cookie file (``session-USER`` in instaloader's
config dir unless the config names another path), written with mode 0600. A scheduled
run never logs in: logging in from cron is what makes Instagram ask for checkpoints.
Nothing here prints or logs the password or the cookies.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import instaloader
import requests
from instaloader.instaloader import get_default_session_filename

from postme.errors import InstagramError
from postme.i18n import _
from postme.instagram.base import quiet_loader, translate_instaloader_error
from postme.links import account_key
from postme.secrets import readable_by_others, register_secret


def default_session_file(username: str) -> Path:
    """instaloader's own session path for ``username`` (``~/.config/instaloader/session-USER``
    on Linux and macOS, ``%LOCALAPPDATA%\\Instaloader\\session-USER`` on Windows)."""
    return Path(get_default_session_filename(account_key(username)))


def _default_loader() -> instaloader.Instaloader:
    return quiet_loader()


def login(
    username: str,
    password_prompt: Callable[[], str],
    code_prompt: Callable[[], str],
    session_file: Path | None = None,
    loader_factory: Callable[[], instaloader.Instaloader] = _default_loader,
) -> Path:
    """Log in to Instagram once, interactively, and save the session with mode 0600.

    ``password_prompt`` is asked once; ``code_prompt`` only when Instagram asks for a
    two-factor code. Returns the session file path. Raises ``InstagramError`` with a plain
    message (wrong password, checkpoint, rate limit, no network...).
    """
    user = account_key(username)
    path = Path(session_file) if session_file is not None else default_session_file(user)
    loader = loader_factory()
    try:
        try:
            password = password_prompt()
            register_secret(password)  # never shown, whatever instaloader says about it
            loader.login(user, password)
        except instaloader.exceptions.TwoFactorAuthRequiredException:
            loader.two_factor_login(code_prompt().strip().replace(" ", ""))
        _write_session(loader, path)
    except InstagramError:
        raise
    except requests.exceptions.RequestException as err:  # an OSError too: catch it first
        raise translate_instaloader_error(err, username=user) from err
    except OSError as err:
        raise InstagramError(
            _("Could not save the Instagram session to {path}: {detail}.").format(
                path=path, detail=err.strerror or type(err).__name__
            )
        ) from err
    except Exception as err:  # instaloader and requests failures, translated
        raise translate_instaloader_error(err, username=user) from err
    finally:
        loader.close()  # type: ignore[no-untyped-call]
    return path


def _write_session(loader: instaloader.Instaloader, path: Path) -> None:
    """Save the cookies to ``path`` with mode 0600, atomically (temp file + replace)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp_name = tempfile.mkstemp(prefix=".session-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            loader.context.save_session_to_file(handle)  # type: ignore[no-untyped-call]
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)


@dataclass(frozen=True)
class SessionInfo:
    path: Path
    exists: bool
    age_days: float | None  # days since the session was saved; None when it does not exist
    mode_ok: bool | None  # True when only the owner can read it (always True on Windows)


def session_info(session_file: Path, now: datetime | None = None) -> SessionInfo:
    """What ``postme check`` says about a session file, without any network call."""
    path = Path(session_file)
    try:
        status = path.stat()
    except OSError:
        return SessionInfo(path=path, exists=False, age_days=None, mode_ok=None)
    current = now or datetime.now(UTC)
    saved = datetime.fromtimestamp(status.st_mtime, tz=UTC)
    age_days = max(0.0, (current - saved).total_seconds() / 86400)
    mode_ok = not readable_by_others(status.st_mode)
    return SessionInfo(path=path, exists=True, age_days=round(age_days, 2), mode_ok=mode_ok)
