"""HTTPS deployment and the headers of every response: HSTS and the redirect to https://,
secure cookies, a Content-Security-Policy without inline script, Referrer-Policy,
Permissions-Policy, and no caching of what holds serial numbers or personal data."""

import importlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pssm"
PSSM = Path(sys.executable).parent / "pssm"


def _production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PSSM_") or k == "PSSM_NODE_KEY_FILE"
    }
    env.update(
        PSSM_HTTPS="1",
        PSSM_SECRET_KEY=secrets.token_urlsafe(60),
        PSSM_ALLOWED_HOSTS="pssm.example.org",
        PSSM_CSRF_TRUSTED_ORIGINS="https://pssm.example.org",
        **extra,
    )
    return env


def test_check_deploy_is_clean_in_the_production_settings():
    done = subprocess.run(
        [str(PSSM), "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_without_https():
    env = _production_env()
    del env["PSSM_HTTPS"]
    done = subprocess.run(
        [str(PSSM), "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "security.W004" in done.stderr + done.stdout  # no HSTS: the check says so


@pytest.fixture
def https(settings, monkeypatch):
    """The settings PSSM_HTTPS=1 gives, read from the settings module itself."""
    for name, value in _production_env().items():
        monkeypatch.setenv(name, value)
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "CONTENT_SECURITY_POLICY",
    ]
    module = importlib.import_module("pssm.config.settings")
    try:
        produced = {name: getattr(importlib.reload(module), name) for name in names}
    finally:
        monkeypatch.undo()
        importlib.reload(module)  # the module as the test run has it
    for name, value in produced.items():
        setattr(settings, name, value)
    return produced


def test_https_redirects_sets_hsts_and_secure_cookies(https, client, db):
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")

    secure = client.get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    hsts = secure["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert secure.cookies["csrftoken"]["secure"]
    assert "upgrade-insecure-requests" in secure["Content-Security-Policy"]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_the_policy_headers_and_is_not_cached(make, client):
    user = make.user("national_authority", make.country(), username="dnac")
    client.force_login(user)
    for url in ["/", "/registry/weapons/", "/registry/weapons/?format=csv", "/api/v1/weapons/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert response["Cache-Control"] == "no-store", url
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=(self)" in response["Permissions-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_static_files_stay_cacheable(client):
    response = client.get("/static/pssm/pssm.js")
    assert response.status_code == 200
    assert response.get("Cache-Control", "") != "no-store"


def test_the_api_docs_run_their_script_from_a_file(make, client):
    client.force_login(make.user("administrator", None, username="admin"))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    body = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # no inline script
    assert "'unsafe-inline'" not in _directives(page["Content-Security-Policy"])["script-src"]


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:", re.I
)


def test_no_template_holds_inline_script_or_style():
    found = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in SRC.rglob("templates/**/*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert not found, found
