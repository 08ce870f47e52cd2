"""The policy rules registry (postme.rules): config, docs, README and template follow it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fakes.calendar import make_calendar, make_settings
from typer.testing import CliRunner

from postme.cli import app
from postme.config import PolicySettings
from postme.demo import DEMO_AS_OF, prepare_demo
from postme.errors import ConfigError
from postme.i18n import set_language
from postme.policy import severities, validate
from postme.rules import DEFAULT_SEVERITY, RULE_IDS, RULES, get_rule, rule_name, rules_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_ids_are_unique_and_every_rule_is_complete() -> None:
    assert len(set(RULE_IDS)) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
        assert rule.severity in ("error", "warning")
        assert rule.why and rule.name_id and rule.name_en
    assert severities(make_settings()) == DEFAULT_SEVERITY


def test_the_config_knows_every_rule_and_only_those() -> None:
    for rule in RULE_IDS:
        assert PolicySettings(severity={rule: "off"}).severity == {rule: "off"}
    with pytest.raises(ConfigError, match="unknown rule 'no-such-rule'"):
        make_settings(policy={"severity": {"no-such-rule": "off"}})


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rules_markdown(), "docs/rules.md is stale: run `make docs`"


def test_readme_and_example_config_name_every_rule() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    policy = readme[readme.index("**Policy rules**") :]
    policy = policy[: policy.index("\n\n")]
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    block = example[example.index("[policy.severity]") :]
    block = block[: block.index("\n\n")]
    for rule in RULE_IDS:
        assert re.search(rf"(?<![\w-]){rule}(?![\w-])", policy), f"README lacks {rule}"
        assert re.search(rf"(?<![\w-]){rule}(?![\w-])", block), f"example lacks {rule}"


def test_names_shown_to_people() -> None:
    rule = get_rule("bad-link")
    assert rule is not None and rule.id == "bad-link"
    assert get_rule("no-such-rule") is None
    assert rule_name("bad-link", "id") == "Link bukan postingan Instagram"
    assert rule_name("bad-link", "en") == "Not a post link"
    set_language("id")
    assert rule_name("cerdik-missing") == "CERDIK tidak disebut"
    assert rule_name("not-a-rule") == "not-a-rule"


def test_indonesian_output_shows_the_name_and_json_keeps_the_id(tmp_path: Path) -> None:
    prepare_demo(tmp_path)
    config = str(tmp_path / "postme.toml")
    runner = CliRunner()
    as_of = DEMO_AS_OF.isoformat()
    shown = runner.invoke(app, ["validate", "-c", config, "--as-of", as_of, "--lang", "id"])
    assert "Link bukan postingan Instagram" in shown.stdout
    assert "bad-link" not in shown.stdout
    document = runner.invoke(app, ["validate", "-c", config, "--as-of", as_of, "--json"])
    rules = {f["rule"] for f in json.loads(document.stdout)["findings"]}
    assert "bad-link" in rules


def test_cerdik_programmes_are_a_config_choice() -> None:
    konde = {"date": "16/11/2026", "program": "Konde Emas", "caption": "Jaga jantung #Germas"}
    gizi = {"date": "16/11/2026", "program": "Info Grafis", "caption": "Jaga jantung"}

    def cerdik_rows(settings_options: dict[str, object]) -> list[int]:
        settings = make_settings(**settings_options)
        result = validate(make_calendar([konde, gizi], settings), settings, DEMO_AS_OF)
        return [f.row for f in result.findings if f.rule == "cerdik-missing"]

    assert cerdik_rows({}) == [2]
    assert cerdik_rows({"policy": {"cerdik_programs": ["infografis"]}}) == [3]  # an alias
    # Renamed in [[programs]] while [policy] still names the old one: a config error.
    renamed = [{"name": "Konde Emas Baru", "hashtags": ["#Germas"]}, {"name": "Info Grafis"}]
    with pytest.raises(ConfigError, match=r"\[policy\] cerdik_programs: 'Konde Emas'"):
        make_settings(programs=renamed, policy={"cerdik_programs": ["Konde Emas"]})
