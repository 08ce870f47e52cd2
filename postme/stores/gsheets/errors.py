"""Every error gspread, google-auth and requests raise, turned into a
:class:`~postme.errors.SheetError` that names the spreadsheet, the file or the cause and
the fix. Messages say what was written: "nothing" for a failure before the write, and
:func:`write_unknown` when a write's answer was lost and the re-read could not tell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from gspread.exceptions import APIError, SpreadsheetNotFound

from postme.errors import SheetAccessDenied, SheetError, SheetNotFound
from postme.i18n import _
from postme.stores.gsheets.http import GOOGLE_SHEETS_URL


@dataclass
class ErrorContext:
    """What the messages name."""

    key: str
    credentials_kind: str
    credentials_file: Path
    endpoint: str | None
    timeout: float | None
    tries: Callable[[], int]  # tries the last request used
    email: Callable[[], str | None]  # the service account's email, when known


class ErrorTranslator:
    def __init__(self, context: ErrorContext) -> None:
        self.context = context

    def unexpected(self) -> str:
        return _(
            "Google Sheets sent an answer of an unexpected shape. Try again later; nothing was "
            "written."
        )

    @contextmanager
    def google(self) -> Iterator[None]:
        """Turn everything gspread, google-auth and requests raise into SheetErrors."""
        from google.auth import exceptions as auth_errors

        context = self.context
        try:
            yield
        except APIError as error:
            raise self.api_error(error.response.status_code, error, context.tries()) from error
        except SpreadsheetNotFound as error:
            raise self.api_error(404, None, 1) from error
        except PermissionError as error:
            raise self.api_error(403, None, 1) from error
        except auth_errors.RefreshError as error:
            if getattr(error, "retryable", False):
                raise SheetError(
                    _(
                        "Google's sign-in server did not give a token (a temporary error). "
                        "Try again later; nothing was written."
                    )
                ) from error
            raise self.refused(error) from error
        except auth_errors.TransportError as error:
            raise SheetError(
                _(
                    "Could not reach Google's sign-in server to get a token. Check the "
                    "internet connection and try again; nothing was written."
                )
            ) from error
        except requests.exceptions.JSONDecodeError as error:
            raise SheetError(
                _(
                    "Google Sheets sent an answer that could not be read (broken JSON). Try "
                    "again later; nothing was written."
                )
            ) from error
        except requests.Timeout as error:
            raise SheetError(
                _(
                    "Google Sheets did not answer within {seconds} seconds ({tries} tries). "
                    "Check the internet connection and try again; nothing was written."
                ).format(seconds=_seconds(context.timeout), tries=context.tries())
            ) from error
        except requests.ConnectionError as error:
            raise SheetError(
                _(
                    "Could not connect to Google Sheets at {host} ({tries} tries). Check the "
                    "internet connection and try again; nothing was written."
                ).format(host=context.endpoint or GOOGLE_SHEETS_URL, tries=context.tries())
            ) from error
        except requests.RequestException as error:
            raise SheetError(
                _(
                    "The connection to Google Sheets broke off in the middle of an answer. Try "
                    "again; nothing was written."
                )
            ) from error
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SheetError(self.unexpected()) from error

    def api_error(self, status: int, error: APIError | None, tries: int) -> SheetError:
        message = ""
        if error is not None:
            raw = error.error.get("message") if isinstance(error.error, Mapping) else None
            message = str(raw or "").strip()[:300]
        if status == 404:
            return SheetNotFound(
                _("Spreadsheet {key} not found: check the id/URL in [sheet] spreadsheet.").format(
                    key=self.context.key
                )
            )
        if status == 403:
            account = self.context.email()
            if account:
                text = _(
                    "Spreadsheet {key} is not shared with {account}. Open it in Google Sheets, "
                    "click Share and add {account} as Editor."
                )
            else:
                text = _(
                    "Spreadsheet {key} is not shared with the Google account you signed in "
                    "with. Open it in Google Sheets, click Share and add that account as Editor."
                )
            return SheetAccessDenied(text.format(key=self.context.key, account=account))
        if status == 401:
            return self.refused(None)
        if status == 429:
            return SheetError(
                _(
                    "Google Sheets is limiting requests (429 Too Many Requests) and still was "
                    "after {tries} tries. Wait a few minutes and run again; nothing was written."
                ).format(tries=tries)
            )
        if 500 <= status <= 599:
            return SheetError(
                _(
                    "Google Sheets had a server error ({status}) {tries} times in a row. Try "
                    "again later; nothing was written."
                ).format(status=status, tries=tries)
            )
        if status == 400:
            return SheetError(
                _("Google Sheets refused the request: {message}. Nothing was written.").format(
                    message=message.rstrip(".") or "400"
                )
            )
        return SheetError(
            _("Google Sheets answered with error {status}: {message}. Nothing was written.").format(
                status=status, message=message.rstrip(".") or "-"
            )
        )

    def refused(self, error: Exception | None) -> SheetError:
        reason = ""
        if error is not None:
            details = error.args[1] if len(error.args) > 1 else None
            if isinstance(details, Mapping):
                reason = str(details.get("error_description") or details.get("error") or "")
            elif error.args and isinstance(error.args[0], str):
                reason = error.args[0]
            reason = (reason.splitlines() or [""])[0][:200]
        if self.context.credentials_kind == "service_account":
            text = _(
                "Google refused the service-account key {path}{account} ({reason}). The key "
                "may have been deleted or the account disabled: create a new JSON key in Google "
                "Cloud Console and save it at this path."
            )
        else:
            text = _(
                "Google refused the saved sign-in {path} ({reason}). Delete the file and sign "
                "in again."
            )
        email = self.context.email()
        return SheetError(
            text.format(
                path=self.context.credentials_file,
                account=f" ({email})" if email else "",
                reason=reason or _("credentials refused"),
            )
        )


def write_unknown(spreadsheet: str, what: str) -> SheetError:
    """A write whose answer was lost and whose effect the re-read could not settle."""
    return SheetError(
        _(
            "Google Sheets did not answer the write to {sheet}, and postme could not find "
            "out whether it was applied. Open the spreadsheet and check {what}; then run "
            "again (a re-run writes only what is missing)."
        ).format(sheet=spreadsheet, what=what)
    )


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"
