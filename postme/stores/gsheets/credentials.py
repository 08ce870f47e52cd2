"""Google credentials, shared by the store and ``postme check``: a service-account key or
a saved OAuth sign-in (gspread's ``authorized_user.json``), in gspread's default places.

Every problem with a file becomes a :class:`~postme.errors.CredentialsError` naming the
file and the fix; every secret read is registered with :mod:`postme.secrets` at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from postme.errors import CredentialsError
from postme.i18n import _
from postme.secrets import register_secrets

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
CredentialsKind = Literal["service_account", "oauth"]


def default_file(name: str) -> Path:
    """gspread's default place for ``name``: its own ``get_config_dir()``
    (``~/.config/gspread/``; ``%APPDATA%\\gspread`` on Windows), looked up now rather
    than when gspread was imported."""
    from gspread.auth import get_config_dir

    return Path(get_config_dir()) / name


def default_key_file() -> Path:
    """Where gspread looks for a service-account key when none is configured."""
    return default_file("service_account.json")


def default_authorized_user_file() -> Path:
    """Where gspread saves an OAuth sign-in (and postme reads it)."""
    return default_file("authorized_user.json")


def default_oauth_client_file() -> Path:
    """Where gspread looks for the OAuth client (Desktop app) JSON."""
    return default_file("credentials.json")


def credentials_file(
    kind: CredentialsKind, key_file: str | Path | None, authorized_user_file: str | Path | None
) -> Path:
    """The file a store with these settings reads its credentials from."""
    if kind == "service_account":
        return Path(key_file or default_key_file()).expanduser()
    return Path(authorized_user_file or default_authorized_user_file()).expanduser()


@dataclass(frozen=True)
class LoadedCredentials:
    credentials: Any
    email: str | None


def load_service_account(path: Path) -> LoadedCredentials:
    """Read a service-account key file; every problem becomes a CredentialsError."""
    from google.oauth2 import service_account

    info = read_json_file(path, kind="service_account")
    if info.get("type") != "service_account":
        raise CredentialsError(
            _(
                "{path} is not a service-account key (its \"type\" is '{type}'). In Google "
                "Cloud Console open IAM & Admin → Service Accounts → your account → Keys → "
                "Add key → JSON, and save that file here. For a personal Google sign-in set "
                'credentials = "oauth".'
            ).format(path=path, type=info.get("type", "-"))
        )
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise CredentialsError(
            _(
                "The service-account key {path} has no {fields}. Download a new JSON key for "
                "the service account and save it here."
            ).format(path=path, fields=", ".join(missing))
        )
    try:
        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=list(SCOPES)
        )
    except (ValueError, TypeError, KeyError, IndexError):
        raise CredentialsError(
            _(
                "The private key in {path} could not be read; the file is damaged. Download "
                "a new JSON key for the service account and save it here."
            ).format(path=path)
        ) from None
    register_secrets(info.get("private_key"), info.get("private_key_id"))
    return LoadedCredentials(credentials, str(info["client_email"]))


def load_oauth_user(path: Path) -> LoadedCredentials:
    """Read a saved OAuth sign-in (gspread's ``authorized_user.json``)."""
    from google.oauth2.credentials import Credentials

    info = read_json_file(path, kind="oauth")
    missing = [k for k in ("refresh_token", "client_id", "client_secret") if not info.get(k)]
    if missing:
        raise CredentialsError(
            _(
                "{path} is not a saved Google sign-in (it has no {fields}). Delete it and "
                "sign in again with gspread.oauth()."
            ).format(path=path, fields=", ".join(missing))
        )
    try:
        credentials = Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, KeyError):
        raise CredentialsError(
            _("{path} could not be read as a Google sign-in. Delete it and sign in again.").format(
                path=path
            )
        ) from None
    register_secrets(info.get("refresh_token"), info.get("client_secret"), info.get("token"))
    email = info.get("account") or None
    return LoadedCredentials(credentials, str(email) if email else None)


def oauth_sign_in(
    oauth_client_file: str | Path | None = None, authorized_user_file: str | Path | None = None
) -> Path:
    """Sign in with a browser once (gspread's local-server flow) and save the sign-in
    where :class:`GoogleSheetsStore` with ``credentials="oauth"`` reads it. Interactive:
    never call it from a cron job."""
    from gspread.auth import local_server_flow, store_credentials

    client_file = Path(oauth_client_file or default_oauth_client_file()).expanduser()
    target = Path(authorized_user_file or default_authorized_user_file()).expanduser()
    if not client_file.is_file():
        raise CredentialsError(
            _(
                "No OAuth client file at {path}. In Google Cloud Console create an OAuth "
                "client ID of type Desktop app, download its JSON and save it at this path "
                "(or set [sheet] oauth_client_file)."
            ).format(path=client_file)
        )
    config = read_json_file(client_file, kind="oauth")
    credentials = local_server_flow(client_config=config, scopes=list(SCOPES))
    store_credentials(credentials, filename=target)
    target.chmod(0o600)
    return target


def read_json_file(path: Path, *, kind: CredentialsKind) -> dict[str, Any]:
    if not path.is_file():
        if kind == "service_account":
            message = _(
                "No service-account key file at {path}. In Google Cloud Console create a "
                "service account, add a JSON key, save it at this path (or set [sheet] "
                "key_file to where it is) and share the spreadsheet with the account's "
                "email as Editor."
            )
        else:
            message = _(
                "No saved Google sign-in at {path}. Sign in once with a browser on this "
                "computer (that saves the file), or use a service-account key with "
                'credentials = "service_account".'
            )
        raise CredentialsError(message.format(path=path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or _("not a text file")
        raise CredentialsError(
            _(
                "Cannot read the credentials file {path}: {reason}. Check the file and its "
                "permissions."
            ).format(path=path, reason=reason)
        ) from None
    try:
        info = json.loads(text)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        raise CredentialsError(
            _(
                "The credentials file {path} is not a JSON key file. Download the key again "
                "as JSON (not P12) and save it at this path."
            ).format(path=path)
        )
    return info
