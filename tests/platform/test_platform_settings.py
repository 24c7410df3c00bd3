"""Settings refuse weak secrets and persist a generated one; first run and `init` provision once."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from nexatron.api.app import create_app
from nexatron.provision import first_run
from nexatron.services import build_services
from nexatron.settings import Settings, SettingsError, settings_from_env
from nexatron.store.tables import api_keys, tenants, users
from nexatron.testing import make_settings

STRONG = "s" * 48


@pytest.mark.parametrize("secret", ["", "changeme", "secret", "dev", "x" * 31, "NEXATRON"])
def test_weak_secret_refused_outside_dev_mode(secret: str, tmp_path: Path) -> None:
    settings = Settings(secret_key=secret, data_dir=tmp_path)
    with pytest.raises(SettingsError, match="NEXATRON_SECRET_KEY"):
        settings.check_secure()
    with pytest.raises(SettingsError):
        build_services(settings)
    Settings(secret_key=secret, dev=True).check_secure()  # dev mode: allowed
    assert not (tmp_path / "nexatron.db").exists()  # refused before touching the store


def test_weak_secret_from_env_refused(tmp_path: Path) -> None:
    env = {"NEXATRON_DATA_DIR": str(tmp_path), "NEXATRON_SECRET_KEY": "changeme"}
    with pytest.raises(SettingsError):
        settings_from_env(env).check_secure()
    settings_from_env({**env, "NEXATRON_DEV": "1"}).check_secure()
    settings_from_env({**env, "NEXATRON_SECRET_KEY": STRONG}).check_secure()
    with pytest.raises(SettingsError, match="NEXATRON_ACCESS_TOKEN_TTL_S"):
        settings_from_env({**env, "NEXATRON_ACCESS_TOKEN_TTL_S": "99999"})


def test_access_tokens_shorter_than_30_s_only_in_dev_mode(tmp_path: Path) -> None:
    env = {"NEXATRON_DATA_DIR": str(tmp_path), "NEXATRON_SECRET_KEY": STRONG}
    for ttl in ("29", "5"):
        with pytest.raises(SettingsError, match=r"NEXATRON_ACCESS_TOKEN_TTL_S.*NEXATRON_DEV=1"):
            settings_from_env({**env, "NEXATRON_ACCESS_TOKEN_TTL_S": ttl})
    assert settings_from_env({**env, "NEXATRON_ACCESS_TOKEN_TTL_S": "30"}).access_token_ttl_s == 30
    dev = {**env, "NEXATRON_DEV": "1"}
    assert settings_from_env({**dev, "NEXATRON_ACCESS_TOKEN_TTL_S": "5"}).access_token_ttl_s == 5
    with pytest.raises(SettingsError, match="NEXATRON_ACCESS_TOKEN_TTL_S"):
        settings_from_env({**dev, "NEXATRON_ACCESS_TOKEN_TTL_S": "4"})


def test_generated_secret_is_persisted_in_the_data_dir(tmp_path: Path) -> None:
    env = {"NEXATRON_DATA_DIR": str(tmp_path / "data")}
    first = settings_from_env(env)
    first.check_secure()  # strong enough for production
    path = tmp_path / "data" / "secret.key"
    assert path.read_text().strip() == first.secret_key and len(first.secret_key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert settings_from_env(env).secret_key == first.secret_key
    other = settings_from_env({"NEXATRON_DATA_DIR": str(tmp_path / "elsewhere")})
    assert other.secret_key != first.secret_key
    explicit = settings_from_env({**env, "NEXATRON_SECRET_KEY": STRONG})
    assert explicit.secret_key == STRONG


def count(services, table) -> int:
    with services.db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def counts(services) -> tuple[int, ...]:
    return tuple(count(services, table) for table in (tenants, users, api_keys))


def test_first_run_provisions_once(tmp_path: Path) -> None:
    settings, cleanup = make_settings(tmp_path, admin_email="Boss@Example.test")
    services = build_services(settings)
    try:
        run = first_run(services)
        assert run is not None and run.extras == {}
        assert run.email == "Boss@Example.test" and run.password
        principal = services.authenticator.authenticate(run.api_key)
        assert principal.tenant_id == run.tenant_id and principal.user_id == run.user_id
        assert principal.role == "admin"
        assert services.sessions.login("boss@example.test", run.password).access_token
        assert counts(services) == (1, 1, 1)
        assert first_run(services) is None
        assert counts(services) == (1, 1, 1)
    finally:
        services.close()
        if cleanup:
            cleanup()


def cli_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    env.update(NEXATRON_DATA_DIR=str(data_dir), NEXATRON_DEMO="0")
    if database_url:
        env["NEXATRON_DATABASE_URL"] = database_url
    return env


def nexatron(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexatron.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.anyio
async def test_cli_init_prints_a_working_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings, cleanup = make_settings(data_dir)  # only for the (PostgreSQL) store URL
    env = cli_env(data_dir, settings.database_url)
    try:
        done = nexatron("init", env=env)
        assert done.returncode == 0, done.stderr
        [key] = re.findall(r"API key:\s+(nxa_[0-9A-Za-z]+)", done.stdout)
        assert "admin password:" in done.stdout
        assert (data_dir / "secret.key").exists()

        again = nexatron("init", env=env)
        assert again.returncode == 0 and "nothing created" in again.stdout
        assert "nxa_" not in again.stdout

        app_settings = settings_from_env(env)
        app = create_app(app_settings)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
            assert r.status_code == 200 and r.json()["role"] == "admin"
            assert count(app.services, tenants) == 1
        finally:
            app.services.close()
    finally:
        if cleanup:
            cleanup()


def test_cli_refuses_weak_secret(tmp_path: Path) -> None:
    env = {**cli_env(tmp_path, None), "NEXATRON_SECRET_KEY": "changeme"}
    done = nexatron("init", env=env)
    assert done.returncode == 2
    assert "NEXATRON_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "nexatron.db").exists()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"team": {"question_per_month": 5}}', "'question_per_month': unknown field"),
        ('{"team": {"seats": "ten"}}', "'seats': Input should be a valid integer"),
        ("team: {features: [llm, ssso]}", "'features.1': Input should be 'llm'"),
        ("team: {rate_limit: 100/minut}", "'rate_limit': no granularity matched"),
        ("team: {connections: -1}", "'connections': Input should be greater than or equal"),
    ],
)
def test_a_plan_typo_refuses_the_settings_naming_plan_and_field(raw: str, field: str) -> None:
    env = {"NEXATRON_DEV": "1", "NEXATRON_SECRET_KEY": STRONG, "NEXATRON_PLANS": raw}
    with pytest.raises(SettingsError) as refused:
        settings_from_env(env)
    assert str(refused.value).startswith("Invalid configuration: NEXATRON_PLANS: plan 'team': ")
    assert f"field {field}" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_serve_refuses_to_start_on_a_plan_typo(tmp_path: Path) -> None:
    plans = '{"team": {"question_per_month": 5}}'
    env = {**cli_env(tmp_path, None), "NEXATRON_DEV": "1", "NEXATRON_PLANS": plans}
    done = nexatron("serve", "--port", "0", env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "NEXATRON_PLANS: plan 'team': field 'question_per_month': unknown field" in line
    assert not (tmp_path / "nexatron.db").exists()


def test_serve_warns_when_workers_run_without_redis(tmp_path: Path) -> None:
    """Several workers without Redis count quotas, rate limits and query slots each alone: the
    start says so in one log line (and stays silent with one worker or with Redis)."""
    import signal

    env = {**cli_env(tmp_path, None), "NEXATRON_DEV": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "nexatron.cli", "serve", "--workers", "2", "--port", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stderr is not None
        first = server.stderr.readline()  # the warning is logged before anything is served
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert "WARNING" in first and "nexatron.serve" in first, first
    assert "serve --workers 2 without NEXATRON_REDIS_URL" in first
    assert "up to 2 times its limits" in first

    from nexatron.cli import unshared_limits_warning

    settings = Settings(dev=True, data_dir=tmp_path)
    assert unshared_limits_warning(settings, 1) is None
    shared = settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/0"})
    assert unshared_limits_warning(shared, 4) is None
    assert "up to 4 times" in (unshared_limits_warning(settings, 4) or "")
