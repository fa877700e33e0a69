"""The structure the registry, engine and verify benchmarks share: one country, one army and
``n_sites`` armouries with one rack each, plus a storekeeper and a commander at country level.
Imported after ``django.setup()``; it only calls services that every measured version has."""

from __future__ import annotations

from types import SimpleNamespace


def armouries(n_sites: int):
    """actor, country, org, sites, racks and users (keyed "keeper" and "commander")."""
    from pssm.accounts import services as account_services
    from pssm.accounts.authz import SystemActor
    from pssm.sites import services as site_services

    actor = SystemActor("system:bench")
    country = site_services.country_create(
        actor=actor, code="BN", name="Benchland", default_language="en"
    )
    org = site_services.organisation_create(
        actor=actor, country=country, code="ARMY", name="Army", kind="army"
    )
    sites, racks = [], []
    for i in range(n_sites):
        site = site_services.site_create(
            actor=actor, organisation=org, code=f"S{i:03d}", name=f"Site {i}", kind="armoury"
        )
        building = site_services.building_create(
            actor=actor, site=site, code="ARM01", name="Armoury", kind="armoury_room"
        )
        racks.append(
            site_services.location_create(
                actor=actor, building=building, code="R01", name="Rack", kind="rack"
            )
        )
        sites.append(site)
    users = {}
    for name, role in (("keeper", "storekeeper"), ("commander", "site_commander")):
        users[name] = account_services.user_create(
            actor=actor, username=name, password="bench-password-1"
        )
        account_services.role_grant(
            actor=actor, user=users[name], role=role, level="country", country=country
        )
    return SimpleNamespace(
        actor=actor, country=country, org=org, sites=sites, racks=racks, users=users
    )
