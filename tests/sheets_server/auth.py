"""Accounts, keys, tokens: the local OAuth 2 token endpoint, and the service-account key
and sign-in files it accepts."""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .grid import DEFAULT_EMAIL, GOOGLE_TOKEN_URI, ApiError, _b64decode

if TYPE_CHECKING:
    from .server import SheetsServer


class TokenEndpoint:
    """Accounts, keys and tokens: the OAuth 2 token endpoint of the local server."""

    _lock: threading.RLock
    _keys: dict[str, dict[str, Any]]
    # Token errors quote the signed assertion (as some proxies and Google's own 400s for a
    # malformed grant do): a test that postme never shows it.
    quote_assertions: bool = False
    _refresh_tokens: dict[str, tuple[str, str, str]]
    _tokens: dict[str, tuple[str, float]]

    @property
    def token_uri(self) -> str:
        raise NotImplementedError

    # -- accounts and tokens

    def register_key(self, email: str, key_id: str, public_key: Any) -> None:
        with self._lock:
            self._keys.setdefault(email, {})[key_id] = public_key

    def revoke_key(self, email: str, key_id: str | None = None) -> None:
        """The key (or every key of the account) is refused from now on."""
        with self._lock:
            if key_id is None:
                self._keys.pop(email, None)
            else:
                self._keys.get(email, {}).pop(key_id, None)

    def add_oauth_user(self, email: str, client_id: str, client_secret: str) -> str:
        refresh_token = "1//test-" + secrets.token_urlsafe(24)
        with self._lock:
            self._refresh_tokens[refresh_token] = (email, client_id, client_secret)
        return refresh_token

    def revoke_tokens(self) -> None:
        """Forget every access token issued (clients must fetch a new one)."""
        with self._lock:
            self._tokens.clear()

    def issued_tokens(self) -> list[str]:
        with self._lock:
            return list(self._tokens)

    def accounts(self) -> list[str]:
        with self._lock:
            return sorted(set(self._keys) | {v[0] for v in self._refresh_tokens.values()})

    # -- token endpoint

    def _token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        grant = (form.get("grant_type") or [""])[0]
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self._jwt_grant((form.get("assertion") or [""])[0])
        if grant == "refresh_token":
            token = (form.get("refresh_token") or [""])[0]
            with self._lock:
                entry = self._refresh_tokens.get(token)
            if entry is None:
                return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
            email, client_id, client_secret = entry
            if (form.get("client_id") or [""])[0] != client_id or (
                form.get("client_secret") or [""]
            )[0] != client_secret:
                return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
            scope = (form.get("scope") or ["https://www.googleapis.com/auth/spreadsheets"])[0]
            return 200, {**self._issue(email), "scope": scope}
        return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}

    def _jwt_grant(self, assertion: str) -> tuple[int, dict[str, Any]]:
        def refuse(description: str) -> tuple[int, dict[str, Any]]:
            if self.quote_assertions:
                description += f" (assertion={assertion})"
            return 400, {"error": "invalid_grant", "error_description": description}

        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64decode(header_b64))
            payload = json.loads(_b64decode(payload_b64))
            signature = _b64decode(signature_b64)
        except (ValueError, TypeError):
            return refuse("Invalid JWT: could not be parsed.")
        if header.get("alg") != "RS256":
            return refuse("Invalid JWT: unsupported algorithm.")
        email = payload.get("iss")
        with self._lock:
            keys = dict(self._keys.get(email, {}))
        if not keys:
            return refuse("Invalid grant: account not found")
        public_key = keys.get(header.get("kid"))
        if public_key is None:
            return refuse("Invalid JWT Signature.")
        try:
            public_key.verify(
                signature,
                f"{header_b64}.{payload_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return refuse("Invalid JWT Signature.")
        now = time.time()
        # google-auth always addresses the JWT to Google's own token endpoint.
        if payload.get("aud") not in (self.token_uri, GOOGLE_TOKEN_URI):
            return refuse("Invalid JWT: aud does not match the token endpoint.")
        if not (payload.get("iat", 0) - 300 <= now < payload.get("exp", 0) + 300):
            return refuse(
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim."
            )
        if not payload.get("scope"):
            return refuse("Invalid JWT: no scope.")
        return 200, self._issue(str(email))

    def _issue(self, email: str) -> dict[str, Any]:
        token = "ya29.test-" + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (email, time.monotonic() + 3600)
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _caller(self, authorization: str | None) -> str:
        if not authorization:
            raise ApiError(
                401,
                "Request is missing required authentication credential. Expected OAuth 2 "
                "access token, login cookie or other valid authentication credential. See "
                "https://developers.google.com/identity/sign-in/web/devconsole-project.",
            )
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            entry = self._tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if entry is None or entry[1] < time.monotonic():
            raise ApiError(401)
        return entry[0]


# ----------------------------------------------------------------- keys and clients

_rsa_cache: list[Any] = []


def _private_key(fresh: bool) -> Any:
    if fresh or not _rsa_cache:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if not _rsa_cache:
            _rsa_cache.append(key)
        return key
    return _rsa_cache[0]


def make_service_account_key(
    server: SheetsServer | None,
    path: str | Path,
    email: str = DEFAULT_EMAIL,
    *,
    register: bool = True,
    fresh_rsa_key: bool = False,
    token_uri: str | None = None,
) -> dict[str, Any]:
    """Write a service-account key JSON whose ``token_uri`` is the server's and register
    its public key (unless ``register=False``: a key Google does not know). The RSA key is
    shared between calls unless ``fresh_rsa_key``. Returns the key's fields."""
    private_key = _private_key(fresh_rsa_key)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key_id = secrets.token_hex(20)
    project = email.split("@", 1)[1].split(".", 1)[0] if "@" in email else "test-project"
    info = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": key_id,
        "private_key": pem,
        "client_email": email,
        "client_id": str(100000000000000000000 + secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri
        or (server.token_uri if server else "https://oauth2.googleapis.com/token"),
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
        + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(info, indent=2))
    target.chmod(0o600)
    if server is not None and register:
        server.register_key(email, key_id, private_key.public_key())
    return info


def make_authorized_user_file(
    server: SheetsServer, path: str | Path, email: str = "person@example.org"
) -> dict[str, Any]:
    """Write an OAuth ``authorized_user.json`` (as gspread.oauth() saves it) whose
    refresh token the server accepts."""
    client_id = f"{secrets.randbelow(10**12)}-test.apps.googleusercontent.com"
    client_secret = "GOCSPX-" + secrets.token_urlsafe(18)
    refresh_token = server.add_oauth_user(email, client_id, client_secret)
    info = {
        "type": "authorized_user",
        "client_id": client_id,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
        "token_uri": server.token_uri,
        "scopes": ["https://www.googleapis.com/auth/spreadsheets"],
        "universe_domain": "googleapis.com",
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(info, indent=2))
    target.chmod(0o600)
    return info
