"""Settings: typed, from LUOSHI_* variables, each documented in the README, and no placeholder secret
outside development."""

from __future__ import annotations

import pytest

from conftest import ROOT
from luoshi.errors import SettingsError
from luoshi.ledger import DuePolicy, WarningPolicy
from luoshi.settings import Settings, load_settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_help_and_is_in_the_readme():
    fields = Settings.model_fields
    assert [name for name, f in fields.items() if not f.description] == []
    assert [name for name in fields if f"`LUOSHI_{name.upper()}`" not in README] == []


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LUOSHI_WARNING_NEAR_DAYS", "3")
    monkeypatch.setenv("LUOSHI_DUE_TASK", "8w")
    s = load_settings(_env_file=None)
    assert (s.warning_policy, s.due_policy) == (WarningPolicy(3, 30, 50), DuePolicy(task="8w"))


def test_a_placeholder_secret_is_refused_in_production(monkeypatch):
    monkeypatch.setenv("LUOSHI_ENVIRONMENT", "production")
    monkeypatch.delenv("LUOSHI_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "生产环境（production）须在环境变量中设置 LUOSHI_SECRET_KEY" in str(caught.value)
    assert load_settings(_env_file=None, secret_key="a-long-random-secret").environment == "production"


@pytest.mark.parametrize("name, value, message", [
    ("LUOSHI_DUE_TASK", "soon", "工作任务的默认期限 'soon' 无法识别：请写成例如 30d、8w、3m、1y 或 year_end（LUOSHI_DUE_TASK）"),
    ("LUOSHI_TIMEZONE", "Mars/Olympus", "LUOSHI_TIMEZONE：时区 'Mars/Olympus' 无法识别：请写成例如 Asia/Shanghai"),
    ("LUOSHI_WARNING_STALE_DAYS", "-1", "LUOSHI_WARNING_STALE_DAYS：取值 '-1' 须不小于 0"),
    ("LUOSHI_ENVIRONMENT", "prod", "LUOSHI_ENVIRONMENT：取值 'prod' 须是 'development'、'test'、'production' 之一"),
])
def test_bad_settings_are_named(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert message in str(caught.value)
