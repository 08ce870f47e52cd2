"""Where the config file is, and the language it asks for: without pydantic, so that
``postme --help`` (which shows its help in the config's language) does not pay for
importing the config's models (~80 ms). :mod:`postme.config` re-exports these names."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from postme.errors import ConfigError
from postme.i18n import _

CONFIG_NAME = "postme.toml"
ENV_CONFIG = "POSTME_CONFIG"


def user_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("postme")) / CONFIG_NAME


def find_config(explicit: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The config file to use, by the search order; a clear error when there is none."""
    env = os.environ if env is None else env
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(_("Config file {path} does not exist.").format(path=explicit))
        return explicit
    if env.get(ENV_CONFIG):
        path = Path(env[ENV_CONFIG])
        if not path.is_file():
            raise ConfigError(
                _("POSTME_CONFIG points at {path}, which does not exist.").format(path=path)
            )
        return path
    candidates = [Path.cwd() / CONFIG_NAME, user_config_path()]
    for path in candidates:
        if path.is_file():
            return path
    raise ConfigError(
        _(
            "No config file found (looked at {paths}). Run 'postme init' to make one, "
            "or pass --config PATH."
        ).format(paths=", ".join(str(p) for p in candidates))
    )


def configured_language(path: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language a config asks for, read before the config is checked, so that its
    errors come in the run's language: ``language`` in the file, else "id"."""
    try:
        data = tomllib.loads(find_config(path, env).read_text(encoding="utf-8"))
    except (ConfigError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "id"
    language = data.get("language")
    return language if language in ("id", "en") else "id"
