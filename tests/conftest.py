"""Shared fixtures: builders for the geography and users, API clients, and the journal guard
handling for tests that commit (transactional and live-server tests)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from pssm.accounts import services as account_services
from pssm.accounts.authz import SystemActor
from pssm.sites import services as site_services

PASSWORD = "correct-horse-battery-9"
_counter = itertools.count(1)


def pytest_configure(config):
    import os
    import tempfile
    from pathlib import Path

    from django.conf import settings

    # The node key and the working folders of the test run, its own so that two runs (the
    # SQLite and PostgreSQL passes of `make test`) never share a file; a process started by
    # a test inherits them.
    run = Path(tempfile.mkdtemp(prefix="pssm-test-"))
    for name, value in (
        ("PSSM_NODE_KEY_FILE", run / "node-key"),
        ("PSSM_PHOTO_DIR", run / "photos"),
        ("PSSM_SYNC_DIR", run / "sync"),
        ("PSSM_IMPORT_DIR", run / "imports"),
    ):
        os.environ[name] = str(value)
        setattr(settings, name, value)

    # Argon2 is deliberately slow; tests that create many users use a fast hasher.
    # tests/accounts/test_login.py checks that the production setting is Argon2.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def pytest_report_header(config):
    from django.conf import settings

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"PSSM test database: {vendor}"


def pytest_collection_modifyitems(config, items):
    vendor = connection.vendor
    skip_pg = pytest.mark.skip(
        reason="NEEDS POSTGRESQL (row locks, real concurrency): runs in the PostgreSQL pass"
    )
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _journal_guard(request):
    """Keep the append-only triggers in place for every DB test; lift them after a committing
    test so that the database can be emptied for the next one."""
    names = set(request.fixturenames)
    committing = bool(names & {"transactional_db", "live_server"})
    if not (committing or "db" in names):
        yield
        return
    from pssm.journal import triggers

    request.getfixturevalue("transactional_db" if committing else "db")
    triggers.install(connection)
    yield
    if committing:
        triggers.remove(connection)


@pytest.fixture
def system():
    return SystemActor("system:test")


class Builder:
    """Creates geography and users through the real services (so everything is journaled)."""

    def __init__(self, actor):
        self.actor = actor

    def country(self, code="ML", name="Mali", language="fr"):
        from pssm.sites.models import Country

        found = Country.objects.filter(code=code).first()
        return found or site_services.country_create(
            actor=self.actor, code=code, name=name, default_language=language
        )

    def organisation(self, country=None, code=None, kind="army"):
        country = country or self.country()
        code = code or f"O{next(_counter)}"
        return site_services.organisation_create(
            actor=self.actor, country=country, code=code, name=f"Organisation {code}", kind=kind
        )

    def site(self, organisation=None, code=None, kind="mixed_depot", **extra):
        organisation = organisation or self.organisation()
        code = code or f"S{next(_counter)}"
        return site_services.site_create(
            actor=self.actor,
            organisation=organisation,
            code=code,
            name=f"Site {code}",
            kind=kind,
            **extra,
        )

    def building(
        self,
        site=None,
        code=None,
        kind="explosive_storehouse",
        storehouse_type="earth_covered_magazine",
    ):
        site = site or self.site()
        code = code or f"B{next(_counter)}"
        if kind != "explosive_storehouse":
            storehouse_type = ""
        return site_services.building_create(
            actor=self.actor,
            site=site,
            code=code,
            name=f"Building {code}",
            kind=kind,
            storehouse_type=storehouse_type,
        )

    def location(self, building=None, code=None):
        building = building or self.building()
        code = code or f"L{next(_counter)}"
        return site_services.location_create(
            actor=self.actor, building=building, code=code, name=f"Location {code}", kind="stack"
        )

    def user(self, role=None, scope=None, username=None, language=""):
        """A user holding ``role`` on ``scope`` (a Site, Organisation, Country, or None =
        everywhere)."""
        from pssm.sites.models import Country, Organisation, Site

        username = username or f"user{next(_counter)}"
        user = account_services.user_create(
            actor=self.actor,
            username=username,
            password=PASSWORD,
            preferred_language=language,
        )
        if role:
            if scope is None:
                kwargs = {"level": "global"}
            elif isinstance(scope, Site):
                kwargs = {"level": "site", "site": scope}
            elif isinstance(scope, Organisation):
                kwargs = {"level": "organisation", "organisation": scope}
            elif isinstance(scope, Country):
                kwargs = {"level": "country", "country": scope}
            else:
                raise TypeError(scope)
            account_services.role_grant(actor=self.actor, user=user, role=role, **kwargs)
        return user


@pytest.fixture
def make(db, system):
    return Builder(system)


@pytest.fixture
def two_sites(make):
    """Site A and site B in the same country, different organisations, each with a building
    and a location, and a storekeeper/commander on A."""
    country = make.country()
    site_a = make.site(make.organisation(country, code="ORGA"), code="SITEA")
    site_b = make.site(make.organisation(country, code="ORGB"), code="SITEB")
    b_a, b_b = make.building(site_a, code="ESH01"), make.building(site_b, code="ESH01")
    loc_a, loc_b = make.location(b_a, code="S01"), make.location(b_b, code="S01")
    return {
        "country": country,
        "a": site_a,
        "b": site_b,
        "building_a": b_a,
        "building_b": b_b,
        "location_a": loc_a,
        "location_b": loc_b,
    }


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
