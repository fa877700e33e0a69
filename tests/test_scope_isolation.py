"""A user scoped to site A can neither see nor change anything of site B, through the UI and
the API, for every endpoint that exists.

The table ENDPOINTS must name every URL pattern of the project: a new endpoint makes
``test_every_endpoint_is_covered`` fail until it is described here with its isolation check.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pssm.journal.models import JournalEntry

ALL_ROLES = [
    "storekeeper",
    "site_commander",
    "ammunition_technician",
    "inspector",
    "national_authority",
    "programme_viewer",
    "administrator",
    "programme_staff",
]
B_MARKERS = ["SITEB", "ORGB", "userb", "SERB"]


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def all_url_names() -> set[str]:
    return set(_names(get_resolver().url_patterns))


def _notice_of(user):
    from pssm.notices.models import Notice

    return Notice.objects.create(
        user=user, kind="voucher.submitted", message="SITEB waits", url="/movements/vouchers/"
    )


def b_entry(ctx):
    return JournalEntry.objects.filter(scope_site=ctx["b"].code).first().uuid


# kind:
#   list    - GET must not show anything of site B
#   object  - GET (and every write method) on a site-B object is refused and changes nothing
#   create  - creating something inside site B (or its organisation) is refused
#   shared  - data shared above site level (the country) or about no site: must not show B
#   open    - no site data at all (login, logout, schema, language switch, token)
#   node    - signed by a node's key (the network transport): a user's session is refused
ENDPOINTS = {
    # HTML pages
    "core:dashboard": {"kind": "list"},
    "accounts:login": {"kind": "open"},
    "accounts:logout": {"kind": "open"},
    "accounts:language": {"kind": "open"},
    "accounts:profile": {"kind": "shared"},
    "accounts:password_change": {"kind": "shared"},
    "accounts:user_list": {"kind": "list"},
    "accounts:user_create": {
        "kind": "create",
        "post": lambda c: {"username": "intruder", "password": "another-long-pass-1"},
    },
    "accounts:user_detail": {
        "kind": "object",
        "kwargs": lambda c: {"username": "userb"},
        "post": lambda c: {"role": "storekeeper", "level": "site", "scope_code": c["b"].code},
    },
    "accounts:grant_revoke": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"username": "userb", "pk": c["grant_b"].pk},
    },
    "accounts:token_revoke": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"token_id": c["token_b"].digest},
    },
    "accounts:user_token_revoke": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"username": "userb", "token_id": c["token_b"].digest},
    },
    "accounts:user_deactivate": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"username": "userb"},
    },
    "accounts:user_reactivate": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"username": "userb"},
    },
    "accounts:user_unlock": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"username": "userb"},
    },
    "accounts:user_temporary_password": {
        "kind": "object",
        "kwargs": lambda c: {"username": "userb"},
        "post": lambda c: {
            "password": "an-intruders-pass-42",
            "password_again": "an-intruders-pass-42",
        },
    },
    "accounts:user_second_factor_reset": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"username": "userb"},
    },
    "accounts:second_factor_enrol": {"kind": "shared"},
    "accounts:second_factor_verify": {"kind": "open"},
    "accounts:country_second_factor": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"code": "ML"},
        "post": lambda c: {"required": "yes"},
    },
    "sites:country_list": {"kind": "shared"},
    "sites:country_create": {
        "kind": "create",
        "post": lambda c: {"code": "ZZ", "name": "Nowhere", "default_language": "fr"},
    },
    "sites:country_detail": {"kind": "shared", "kwargs": lambda c: {"code": "ML"}},
    "sites:country_edit": {
        "kind": "object",
        "kwargs": lambda c: {"code": "ML"},
        "post": lambda c: {"name": "Renamed", "default_language": "en"},
    },
    "sites:organisation_list": {"kind": "list"},
    "sites:organisation_create": {
        "kind": "create",
        "post": lambda c: {
            "country": c["country"].pk,
            "code": "NEW",
            "name": "New",
            "kind": "police",
        },
    },
    "sites:organisation_detail": {"kind": "object", "kwargs": lambda c: {"code": "ML-ORGB"}},
    "sites:organisation_edit": {
        "kind": "object",
        "kwargs": lambda c: {"code": "ML-ORGB"},
        "post": lambda c: {"name": "Renamed", "kind": "police"},
    },
    "sites:site_list": {"kind": "list"},
    "sites:site_create": {
        "kind": "create",
        "post": lambda c: {
            "organisation": c["b"].organisation.pk,
            "code": "NEWB",
            "name": "New",
            "kind": "armoury",
        },
    },
    "sites:site_detail": {"kind": "object", "kwargs": lambda c: {"code": c["b"].code}},
    "sites:site_edit": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {"name": "Renamed", "kind": "armoury"},
    },
    "sites:building_create": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {"code": "ARM9", "name": "X", "kind": "armoury_room"},
    },
    "sites:building_detail": {"kind": "object", "kwargs": lambda c: {"code": c["building_b"].code}},
    "sites:building_edit": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["building_b"].code},
        "post": lambda c: {"name": "Renamed", "kind": "office"},
    },
    "sites:location_create": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["building_b"].code},
        "post": lambda c: {"code": "R9", "name": "X", "kind": "rack"},
    },
    "sites:location_edit": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["location_b"].code},
        "post": lambda c: {"name": "Renamed", "kind": "rack"},
    },
    "journal:entry_list": {"kind": "list"},
    "journal:entry_detail": {"kind": "object", "kwargs": lambda c: {"uuid": b_entry(c)}},
    "registry:weapon_list": {"kind": "list"},
    "registry:weapon_detail": {
        "kind": "object",
        "methods": ["get", "post"],
        "kwargs": lambda c: {"pk": c["weapon_b"].pk},
    },
    "registry:weapon_photo": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["weapon_b"].pk, "photo_id": 1},
    },
    "registry:person_list": {"kind": "list", "query": {"q": "sitebperson"}},
    "registry:person_detail": {"kind": "object", "kwargs": lambda c: {"pk": c["person_b"].pk}},
    "registry:overdue_list": {"kind": "list"},
    "search": {"kind": "list", "query": {"q": "sitebperson serb-1"}},
    "help": {"kind": "shared"},
    "help_guide": {"kind": "shared", "kwargs": lambda c: {"role": "storekeeper"}},
    "registry:person_create": {
        "kind": "create",
        "post": lambda c: {
            "site": c["b"].pk,
            "service_number": "X1",
            "first_name": "A",
            "last_name": "B",
        },
    },
    "movements:voucher_list": {"kind": "list"},
    "movements:voucher_create": {
        "kind": "create",
        "query": {"site": "ML-SITEB", "kind": "issue"},
        "post": lambda c: {"custodian_unit": "Section"},
    },
    "movements:voucher_detail": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "movements:voucher_pdf": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["posted_b"].pk},
    },
    "movements:voucher_line_add": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
        "post": lambda c: {"serial": "SERB-1"},
    },
    "movements:voucher_line_remove": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk, "line_id": c["line_b"].pk},
    },
    "movements:voucher_submit": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "movements:voucher_approve": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "ammunition:suspension_list": {"kind": "shared"},
    "ammunition:surveillance": {"kind": "list"},
    "ammunition:suspension_lift": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["suspension_b"].pk},
    },
    "movements:destruction_list": {"kind": "list"},
    "movements:destruction_detail": {
        "kind": "object",
        "methods": ["get", "post"],
        "kwargs": lambda c: {"pk": c["destruction_b"].pk},
    },
    "movements:destruction_certificate": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["destruction_b"].pk},
    },
    "movements:destruction_photo": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["destruction_b"].pk, "photo_id": 1},
    },
    "movements:voucher_send_back": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "movements:voucher_cancel": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "movements:voucher_reverse": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["posted_b"].pk},
    },
    # API
    "api:me": {"kind": "shared", "api": True},
    "api:token": {"kind": "open", "api": True},
    "api:token_list": {"kind": "shared", "api": True},
    "api:token_detail": {
        "kind": "object",
        "api": True,
        "methods": ["delete"],
        "kwargs": lambda c: {"token_id": c["token_b"].digest},
    },
    "api:user_token_list": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"username": "userb"},
    },
    "api:user_token_detail": {
        "kind": "object",
        "api": True,
        "methods": ["delete"],
        "kwargs": lambda c: {"username": "userb", "token_id": c["token_b"].digest},
    },
    "api:country_list": {"kind": "shared", "api": True},
    "api:country_detail": {
        "kind": "object",
        "api": True,
        "methods": ["patch"],
        "kwargs": lambda c: {"code": "ML"},
        "post": lambda c: {"name": "X"},
    },
    "api:organisation_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {"country": "ML", "code": "NEW", "name": "New", "kind": "police"},
    },
    "api:organisation_detail": {
        "kind": "object",
        "api": True,
        "kwargs": lambda c: {"code": "ML-ORGB"},
        "post": lambda c: {"name": "Renamed"},
    },
    "api:site_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "organisation": "ML-ORGB",
            "code": "NEWB",
            "name": "New",
            "kind": "armoury",
        },
    },
    "api:site_detail": {
        "kind": "object",
        "api": True,
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {"name": "Renamed"},
    },
    "api:building_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "site": c["b"].code,
            "code": "ARM9",
            "name": "X",
            "kind": "armoury_room",
        },
    },
    "api:building_detail": {
        "kind": "object",
        "api": True,
        "kwargs": lambda c: {"code": c["building_b"].code},
        "post": lambda c: {"name": "Renamed"},
    },
    "api:location_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "building": c["building_b"].code,
            "code": "R9",
            "name": "X",
            "kind": "rack",
        },
    },
    "api:location_detail": {
        "kind": "object",
        "api": True,
        "kwargs": lambda c: {"code": c["location_b"].code},
        "post": lambda c: {"name": "Renamed"},
    },
    "api:journal_list": {"kind": "list", "api": True},
    "api:journal_verify": {"kind": "shared", "api": True},
    "api:journal_detail": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"uuid": b_entry(c)},
    },
    "api:weapon_type_list": {"kind": "shared", "api": True},
    "api:weapon_list": {"kind": "list", "api": True},
    "api:weapon_search": {"kind": "list", "api": True, "query": {"q": "SERB-1"}},
    "api:weapon_detail": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["weapon_b"].pk},
    },
    "api:person_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "site": c["b"].code,
            "service_number": "X1",
            "first_name": "A",
            "last_name": "B",
        },
    },
    "api:voucher_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {"site": c["b"].code, "kind": "issue", "custodian_unit": "Section"},
    },
    "api:voucher_detail": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "api:voucher_lines": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
        "post": lambda c: {"serial": "SERB-1"},
    },
    "api:voucher_line_detail": {
        "kind": "object",
        "api": True,
        "methods": ["delete"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk, "line_id": c["line_b"].pk},
    },
    "api:voucher_submit": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "api:voucher_approve": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "api:voucher_cancel": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "api:lot_suspension_list": {"kind": "shared", "api": True},
    "api:destruction_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "site": c["b"].code,
            "method": "cutting",
            "place": "Range",
            "planned_date": "2026-01-05",
        },
    },
    "api:destruction_record": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["destruction_b"].pk},
        "post": lambda c: {"destroyed_on": "2026-01-05", "witnesses": [], "results": {}},
    },
    "api:surveillance": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "site": c["b"].code,
            "lot_number": "SERB-LOT1",
            "kind": "visual",
            "inspected_on": "2026-01-05",
            "condition_code": "A",
        },
    },
    "api:lot_suspension_lift": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["suspension_b"].pk},
        "post": lambda c: {"reason": "Stability test passed."},
    },
    "api:voucher_send_back": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
        "post": lambda c: {"reason": "Wrong location on line 1."},
    },
    "api:voucher_check": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
    },
    "api:voucher_reverse": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["posted_b"].pk},
    },
    "movements:voucher_lot_line_add": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["voucher_b"].pk},
        "post": lambda c: {"lot_number": "SERB-LOT1", "quantity": "5"},
    },
    "ammunition:lot_list": {"kind": "list"},
    "ammunition:nature_list": {"kind": "shared"},
    "ammunition:safety": {"kind": "list"},
    "ammunition:rule_list": {"kind": "shared"},
    "ammunition:qd_report": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"code": c["b"].code},
    },
    "ammunition:qd_report_pdf": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"code": c["b"].code},
    },
    "ammunition:exposed_site_create": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {
            "code": "VIL",
            "name": "Village",
            "relationship": "inhabited_building",
            "plan_x_m": "1",
            "plan_y_m": "1",
        },
    },
    "ammunition:waiver_create": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {
            "building": c["building_b"].code,
            "rule": "qd",
            "justification": "An intruder's waiver, long enough.",
            "valid_until": "2099-01-01T00:00",
        },
    },
    "ammunition:licence_create": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {
            "building": c["building_b"].code,
            "number": "X-9",
            "issued_date": "2026-01-01",
            "review_date": "2027-01-01",
            "authority": "X",
            "limit_1.1": "10",
        },
    },
    "imports:job_list": {"kind": "list"},
    "imports:upload": {
        "kind": "create",
        "post": lambda c: {"kind": "weapons", "site": c["b"].code},
    },
    "imports:job_detail": {
        "kind": "object",
        "kwargs": lambda c: {"pk": c["job_b"].pk},
        "post": lambda c: {"col_0": "serial", "col_1": "weapon_type"},
    },
    "imports:job_progress": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["job_b"].pk},
    },
    "imports:job_rejects": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["job_b"].pk},
    },
    "imports:job_import_now": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["job_b"].pk},
    },
    "imports:job_values": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["job_b"].pk},
        "post": lambda c: {"value_1": "Kalachnikov", "target_1": "AK-47"},
    },
    "inspections:inspection_list": {"kind": "list"},
    "inspections:inspection_create": {
        "kind": "object",
        "methods": ["post"],
        "post": lambda c: {"site": c["b"].code, "inspected_on": "2026-01-01"},
    },
    "inspections:inspection_detail": {
        "kind": "object",
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
        "post": lambda c: {"a_LIC-01": "no"},
    },
    "inspections:inspection_pdf": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
    },
    "inspections:inspection_close": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
    },
    "inspections:action_add": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
        "post": lambda c: {"description": "x", "owner": "y", "due_date": "2099-01-01"},
    },
    "inspections:action_close": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk, "action_id": c["action_b"].pk},
        "post": lambda c: {"note": "done"},
    },
    "inspections:security_log": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {"op": "key", "code": "K-X", "label": "intruder"},
    },
    "inspections:count_list": {
        "kind": "object",
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {"witness": "intruder"},
    },
    "inspections:count_detail": {
        "kind": "object",
        "kwargs": lambda c: {"pk": c["count_b"].pk},
        "post": lambda c: {"op": "close"},
    },
    "movements:case_list": {"kind": "list", "query": {"state": "active"}},
    "movements:in_transit": {"kind": "list"},
    "movements:person_options": {"kind": "list", "query": {"site": "SITEB", "q": "a"}},
    "movements:case_pdf": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["case_b"].pk},
    },
    "notices:notice_list": {"kind": "list"},
    "notices:notice_open": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": _notice_of(c["user_b"]).pk},
    },
    "notices:notices_read_all": {"kind": "open"},  # marks only the user's own notices
    "inspections:compliance": {"kind": "list"},
    "movements:case_detail": {
        "kind": "object",
        "kwargs": lambda c: {"pk": c["case_b"].pk},
        "post": lambda c: {"op": "investigate", "note": "An intruder writes a note here."},
    },
    "api:case_list": {"kind": "list", "api": True},
    "api:count_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {"site": c["b"].code, "witness": "intruder"},
    },
    "api:count_detail": {
        "kind": "object",
        "api": True,
        "methods": ["get", "post"],
        "kwargs": lambda c: {"pk": c["count_b"].pk},
        "post": lambda c: {"step": "close"},
    },
    "api:key_register": {
        "kind": "object",
        "api": True,
        "methods": ["get", "post"],
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {"op": "register", "code": "K-X", "label": "intruder"},
    },
    "api:access_log": {
        "kind": "object",
        "api": True,
        "methods": ["get", "post"],
        "kwargs": lambda c: {"code": c["b"].code},
        "post": lambda c: {"op": "enter", "building": "ESH01", "person": "x", "purpose": "y"},
    },
    "inspections:count_sheet": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["count_b"].pk},
    },
    "inspections:weapon_labels": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"code": c["b"].code},
    },
    "api:case_detail": {
        "kind": "object",
        "api": True,
        "methods": ["get", "post"],
        "kwargs": lambda c: {"pk": c["case_b"].pk},
        "post": lambda c: {"step": "investigate", "note": "An intruder writes a note here."},
    },
    "api:inspection_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {"site": c["b"].code},
    },
    "api:inspection_detail": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
    },
    "api:inspection_answers": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
        "post": lambda c: {"answers": {"LIC-01": {"answer": "no"}}},
    },
    "api:inspection_photos": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
        "post": lambda c: {"question": "LIC-01"},
    },
    "inspections:inspection_photo": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk, "photo_id": 1},
    },
    "api:inspection_close": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["inspection_b"].pk},
    },
    "api:nature_list": {"kind": "shared", "api": True},
    "api:lot_list": {"kind": "list", "api": True},
    "api:lot_detail": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"pk": c["lot_b"].pk},
    },
    "api:qd_check": {"kind": "open", "api": True},
    "api:qd_report": {
        "kind": "object",
        "api": True,
        "methods": ["get"],
        "kwargs": lambda c: {"code": c["b"].code},
    },
    "api:licence_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "building": c["building_b"].code,
            "number": "X-1",
            "limits_kg": {"1.1": "10"},
            "issued_date": "2026-01-01",
            "review_date": "2027-01-01",
            "authority": "X",
        },
    },
    "api:waiver_list": {
        "kind": "list",
        "api": True,
        "create": lambda c: {
            "building": c["building_b"].code,
            "rule": "qd",
            "justification": "A justification long enough to pass.",
            "valid_until": "2099-01-01T00:00:00Z",
        },
    },
    "api:exposed_site_list": {
        "kind": "list",
        "api": True,
        "query": {"site": "ML-SITEA"},
        "create": lambda c: {
            "site": c["b"].code,
            "code": "VIL",
            "name": "Village",
            "relationship": "inhabited_building",
            "plan_x_m": "10",
            "plan_y_m": "10",
        },
    },
    "api:safety_rule_list": {"kind": "shared", "api": True},
    "api:rule_override_create": {
        "kind": "object",
        "api": True,
        "methods": ["post"],
        "post": lambda c: {
            "country": "ML",
            "rule_id": "QD.1.1.IBD",
            "value": {"k": "1", "minimum_m": "1"},
            "reason": "An intruder's national value",
        },
    },
    # The regional programme: its records belong to countries, which a site's grant does not
    # cover; this world holds no programme, so its object pages answer 404.
    "programme:dashboard": {"kind": "shared"},
    "programme:indicator_detail": {"kind": "shared", "kwargs": lambda c: {"code": "MI-RRPL2"}},
    "programme:activity_list": {"kind": "list"},
    "programme:activity_create": {
        "kind": "create",
        "post": lambda c: {
            "code": "X",
            "title_fr": "X",
            "title_en": "X",
            "status": "1",
            "start_date": "2026-01-01",
            "end_date": "2026-01-02",
            "countries": "ML",
            "budget_amount": "1",
            "currency": "XOF",
        },
    },
    "programme:activity_detail": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"code": "X"},
    },
    "programme:activity_edit": {"kind": "object", "kwargs": lambda c: {"code": "X"}},
    "programme:activity_sheet": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"code": "X"},
    },
    "programme:attachment_add": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"code": "X"},
    },
    "programme:attachment_get": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"code": "X", "pk": 1},
    },
    "programme:transaction_add": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"code": "X"},
        "post": lambda c: {"kind": "4", "transaction_date": "2026-01-01", "amount": "1"},
    },
    "programme:sop_list": {"kind": "shared"},
    "programme:sop_create": {
        "kind": "create",
        "post": lambda c: {"country": "ML", "code": "X", "title_fr": "X", "title_en": "X"},
    },
    "programme:sop_version_add": {"kind": "object", "kwargs": lambda c: {"pk": 1}},
    "programme:sop_version_review": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": 1},
    },
    "programme:sop_version_validate": {"kind": "object", "kwargs": lambda c: {"pk": 1}},
    "programme:review_close": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": 1},
    },
    "programme:training_list": {"kind": "shared"},
    "programme:training_create": {
        "kind": "create",
        "post": lambda c: {
            "country": "ML",
            "code": "X",
            "title_fr": "X",
            "title_en": "X",
            "course": "X",
            "place": "X",
            "start_date": "2026-01-01",
            "end_date": "2026-01-02",
        },
    },
    "programme:participant_add": {"kind": "object", "kwargs": lambda c: {"pk": 1}},
    "programme:certificate": {"kind": "object", "methods": ["get"], "kwargs": lambda c: {"pk": 1}},
    "programme:installation_list": {"kind": "shared"},
    "programme:installation_create": {
        "kind": "create",
        "post": lambda c: {
            "country": "ML",
            "code": "X",
            "name": "X",
            "status": "planned",
            "planned_date": "2026-01-01",
            "done_date": "2026-01-02",
        },
    },
    "programme:installation_edit": {"kind": "object", "kwargs": lambda c: {"pk": 1}},
    "programme:works_add": {"kind": "object", "kwargs": lambda c: {"pk": 1}},
    "programme:evaluation": {"kind": "object", "methods": ["get"]},
    "programme:iati_export": {"kind": "object", "methods": ["get"]},
    "programme:term_list": {
        "kind": "create",
        "post": lambda c: {"kind": "type", "code": "x", "label_fr": "X", "label_en": "X"},
    },
    "programme:narrative_save": {
        "kind": "create",
        "post": lambda c: {"section": "lessons", "country": "ML", "text_fr": "X", "text_en": "X"},
    },
    # synchronisation: the national node's page and bundles, per depot site
    "sync:status": {"kind": "list"},
    "sync:regional": {"kind": "list"},
    "sync:export": {"kind": "object", "methods": ["post"], "post": lambda c: {"to": "siteb-depot"}},
    "sync:import": {
        "kind": "object",
        "methods": ["post"],
        "post": lambda c: {"bundle": _b_push(c)},
    },
    "sync:revoke": {
        "kind": "object",
        "methods": ["post"],
        "post": lambda c: {"node": "siteb-depot", "reason": "an intruder's reason"},
    },
    "sync:fork_resolve": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": c["fork_b"].pk},
        "post": lambda c: {"decision": "release", "note": "an intruder's note"},
    },
    "sync:transfer": {
        "kind": "object",
        "methods": ["post"],
        "post": lambda c: {"site": "SITEB"},
    },
    "sync:countersign": {
        "kind": "object",
        "methods": ["post"],
        "post": lambda c: {"bundle": _b_push(c)},
    },
    # the network transport: signed by a depot's node key, a user's session opens nothing
    "sync:api_upload": {"kind": "node", "kwargs": lambda c: {"bundle_id": _BUNDLE}},
    "sync:api_complete": {"kind": "node", "kwargs": lambda c: {"bundle_id": _BUNDLE}},
    "sync:api_ack": {"kind": "node", "kwargs": lambda c: {"bundle_id": _BUNDLE}},
    # Tracing and national reports: national objects (country ML) and documents of site B.
    "tracing:request_list": {"kind": "list"},
    "tracing:request_create": {
        "kind": "create",
        "post": lambda c: {
            "country": "ML",
            "direction": "received",
            "requester_kind": "state",
            "counterpart": "A requesting state",
            "make": "Kalashnikov",
            "serial": "X-1",
            "received_on": "2026-01-02",
            "deadline": "2026-02-02",
        },
    },
    "tracing:request_detail": {
        "kind": "object",
        "kwargs": lambda c: {"pk": _trace_b(c).pk},
        "post": lambda c: {"outcome": "not_found", "answer": "SITEB answer"},
    },
    "tracing:request_pdf": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": _trace_b(c).pk},
    },
    "tracing:transfer_list": {"kind": "list"},
    "tracing:transfer_edit": {
        "kind": "object",
        "kwargs": lambda c: {"voucher_pk": c["posted_b"].pk},
        "post": lambda c: {"counterpart_state": "RS", "licence_number": "SITEB-LIC"},
    },
    "tracing:attachment_download": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": _attachment_b(c).pk},
    },
    "tracing:lost_stolen": {"kind": "list"},
    "reports:dashboard": {"kind": "list"},
    "reports:report_list": {
        "kind": "create",
        "post": lambda c: {
            "kind": "stock",
            "country": "ML",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "language": "fr",
        },
    },
    "reports:report_detail": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": _report_b(c).pk},
    },
    "reports:report_sign": {
        "kind": "object",
        "methods": ["post"],
        "kwargs": lambda c: {"pk": _report_b(c).pk},
    },
    "reports:report_download": {
        "kind": "object",
        "methods": ["get"],
        "kwargs": lambda c: {"pk": _report_b(c).pk, "fmt": "pdf"},
    },
    "reports:records": {
        "kind": "shared",
        "kwargs": lambda c: {"country": "ML"},
        "query": {"source": "holdings", "start": "2026-01-01", "end": "2026-12-31"},
    },
    "reports:regional_export": {"kind": "shared", "query": {"country": "ML", "year": "2026"}},
    "api_schema": {"kind": "open", "api": True},
    "api_docs": {"kind": "open", "api": True},
}


_BUNDLE = "0b6a3f0e-5a43-4d8e-9c39-3f3f6c0a9b11"


def _b_push(ctx):
    """A push bundle that says it comes from site B's depot (its signature is not checked
    before the user's right to carry site B's bundles is)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pssm.domain import journal as chain
    from pssm.domain import syncformat as fmt

    seed = "44" * 32
    header = {
        "id": _BUNDLE,
        "kind": "push",
        "from": "siteb-depot",
        "to": ctx["node"].node_id,
        "key": chain.public_key(seed),
        "version": fmt.PROTOCOL_VERSION,
        "created": "2026-12-02T00:00:00Z",
        "clock": 0,
    }
    data = fmt.pack(header, {"entries": [], "rows": []}, lambda m: chain.sign(seed, m))
    return SimpleUploadedFile("siteb.pssm", data)


def _sync_world(ctx):
    """This node is the national node; site B has a depot node with a fork waiting."""
    from django.conf import settings

    from pssm.sync.models import Fork, Peer, ThisNode

    node = ThisNode.objects.create(node_id=settings.PSSM_NODE_ID, role="national")
    Peer.objects.create(
        node_id="siteb-depot", role="depot", public_key="55" * 32, site=ctx["b"],
        last_error="SITEB link down",
    )  # fmt: skip
    fork = Fork.objects.create(
        peer="siteb-depot", seq=4, held_hash="a" * 64, received_hash="b" * 64,
        held_entry='{"site": "SITEB"}', received_entry='{"site": "SITEB"}',
    )  # fmt: skip
    return {"node": node, "fork_b": fork}


def _trace_b(ctx):
    """A national trace request about site B's weapon (only national grants see it)."""
    from datetime import date

    from pssm.accounts.authz import SystemActor
    from pssm.tracing import services as tracing
    from pssm.tracing.models import TraceRequest

    found = TraceRequest.objects.filter(serial="SERB-1").first()
    return found or tracing.trace_request_create(
        actor=SystemActor("system:test"),
        country=ctx["country"],
        direction="received",
        requester_kind="state",
        counterpart="SITEB requester",
        make="Kalashnikov",
        serial="SERB-1",
        received_on=date(2026, 1, 2),
        deadline=date(2026, 2, 2),
    )


def _attachment_b(ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pssm.accounts.authz import SystemActor
    from pssm.tracing import services as tracing

    system = SystemActor("system:test")
    doc = tracing.transfer_document_save(
        actor=system, voucher=ctx["posted_b"], counterpart_state="RS", licence_number="SITEB-LIC"
    )
    return tracing.transfer_attachment_add(
        actor=system,
        document=doc,
        upload=SimpleUploadedFile("SITEB.pdf", b"%PDF-1.4\nSITEB\n%%EOF\n"),
    )


def _report_b(ctx):
    from datetime import date

    from pssm.accounts.authz import SystemActor
    from pssm.reports import services as reports

    return reports.report_generate(
        actor=SystemActor("system:test"),
        kind="stock",
        country=ctx["country"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )


def test_every_endpoint_is_covered():
    assert all_url_names() == set(ENDPOINTS), (
        "describe new endpoints in ENDPOINTS with their isolation check"
    )


@pytest.fixture
def world(make, two_sites):
    """Site A's user holds every role, but only on site A; site B has its own user."""
    user_a = make.user(username="usera")
    for role in ALL_ROLES:
        from pssm.accounts import services

        services.role_grant(
            actor=make.actor, user=user_a, role=role, level="site", site=two_sites["a"]
        )
    user_b = make.user("storekeeper", two_sites["b"], username="userb")
    commander_b = make.user("site_commander", two_sites["b"], username="cmdb")
    b = _site_b_movements(two_sites, user_b, commander_b)
    from knox.models import AuthToken

    token_b, _ = AuthToken.objects.create(user=user_b)
    return dict(
        two_sites,
        user_a=user_a,
        user_b=user_b,
        grant_b=user_b.grants.get(),
        token_b=token_b,
        **b,
        **_sync_world(two_sites),
    )


def _site_b_movements(ctx, keeper, commander):
    """A posted receipt of weapon SERB-1 at site B, and a draft issue voucher with a line."""
    from pssm.movements import services
    from pssm.registry import catalogue
    from pssm.registry.models import WeaponType

    catalogue.seed(WeaponType)
    ak = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    posted = services.voucher_create(
        actor=keeper,
        site=ctx["b"],
        kind="receipt",
        reason="acquisition",
        location=ctx["location_b"],
    )
    services.voucher_line_add(actor=keeper, voucher=posted, serial="SERB-1", weapon_type=ak)
    services.voucher_submit(actor=keeper, voucher=posted)
    services.voucher_approve(actor=commander, voucher=posted)
    draft = services.voucher_create(
        actor=keeper, site=ctx["b"], kind="issue", custodian_unit="Section B"
    )
    line = services.voucher_line_add(actor=keeper, voucher=draft, serial="SERB-1")
    from pssm.registry import services as registry_services

    person = registry_services.person_create(
        actor=keeper,
        site=ctx["b"],
        service_number="SERB-P1",
        first_name="Bakary",
        last_name="Serbsitebperson",
    )
    lot = _site_b_lot(ctx, keeper, commander)
    from pssm.imports.models import ImportJob
    from pssm.inspections.models import CorrectiveAction, Inspection

    job = ImportJob.objects.create(
        kind="weapons", site=ctx["b"], file_name="SITEB.csv", created_by=commander
    )
    from datetime import date

    from pssm.inspections import services as inspections

    inspection = Inspection.objects.create(
        site=ctx["b"],
        template=inspections.checklist_seed(),
        inspector=commander,
        inspected_on=date(2026, 1, 1),
    )
    action = CorrectiveAction.objects.create(
        inspection=inspection, description="SITEB action", owner="SITEB", due_date=date(2026, 2, 1)
    )
    from pssm.inspections.models import Count

    count = Count.objects.create(site=ctx["b"], counter=keeper, witness="SITEB witness")
    from pssm.movements.cases import open_case

    case = open_case(
        site=ctx["b"], count=count, kind="missing", weapon_id=line.weapon_id, serial="SERB-1"
    )
    from datetime import date

    from pssm.movements.destruction import destruction_plan

    destruction = destruction_plan(
        actor=keeper,
        site=ctx["b"],
        method="cutting",
        place="SITEB range",
        planned_date=date.today(),
    )
    from pssm.ammunition.models import LotSuspension

    suspension = LotSuspension.objects.create(
        lot=lot, reason="Fuze defect reported.", suspended_at=count.started_at
    )
    return {
        "destruction_b": destruction,
        "suspension_b": suspension,
        "case_b": case,
        "count_b": count,
        "inspection_b": inspection,
        "action_b": action,
        "job_b": job,
        "posted_b": posted,
        "voucher_b": draft,
        "line_b": line,
        "weapon_b": line.weapon,
        "person_b": person,
        "lot_b": lot,
    }


def _site_b_lot(ctx, keeper, commander):
    """A licensed storehouse at site B holding lot SERB-LOT1, behind a waiver."""
    from datetime import date, timedelta

    from django.utils import timezone

    from pssm.accounts.authz import SystemActor
    from pssm.ammunition import services as ammo
    from pssm.movements import services
    from tests.ammunition.conftest import seed_natures

    system = SystemActor("system:test")
    ammo.licence_issue(
        actor=system,
        building=ctx["building_b"],
        number="SITEB-L1",
        limits_kg={"1.4": "1000"},
        issued_date=date(2026, 1, 1),
        review_date=date(2027, 1, 1),
        authority="SITEB authority",
    )
    ammo.waiver_grant(
        actor=system,
        building=ctx["building_b"],
        rule="qd",
        justification="SITEB waiver, long enough to be valid.",
        valid_until=timezone.now() + timedelta(days=10),
    )
    natures = seed_natures()
    v = services.voucher_create(
        actor=keeper,
        site=ctx["b"],
        kind="receipt",
        reason="acquisition",
        location=ctx["location_b"],
    )
    line = services.voucher_lot_line_add(
        actor=keeper,
        voucher=v,
        lot_number="SERB-LOT1",
        quantity=100,
        nature=natures["CTG-9X19-BALL"],
    )
    services.voucher_submit(actor=keeper, voucher=v)
    services.voucher_approve(actor=commander, voucher=v)
    return line.lot


def _state():
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from knox.models import AuthToken

    from pssm.accounts.models import RoleGrant, User
    from pssm.ammunition.models import (
        ExposedSite,
        Licence,
        Lot,
        LotBalance,
        LotSuspension,
        RuleOverride,
        Waiver,
    )
    from pssm.imports.models import ImportJob
    from pssm.inspections.models import (
        AccessEntry,
        CorrectiveAction,
        Count,
        Inspection,
        InspectionAnswer,
        InspectionPhoto,
        Key,
        KeyLoan,
    )
    from pssm.movements.models import Destruction, Discrepancy, Voucher, VoucherLine
    from pssm.registry.models import Person, Weapon
    from pssm.reports.models import Report
    from pssm.sites.models import Building, Country, Organisation, Site, StorageLocation
    from pssm.tracing.models import TraceRequest, TransferAttachment, TransferDocument

    rows = []
    for model in (
        Country,
        Organisation,
        Site,
        Building,
        StorageLocation,
        User,
        RoleGrant,
        AuthToken,
        TOTPDevice,
        Weapon,
        Person,
        Voucher,
        VoucherLine,
        Destruction,
        Lot,
        LotBalance,
        LotSuspension,
        Licence,
        Waiver,
        ExposedSite,
        RuleOverride,
        ImportJob,
        Inspection,
        InspectionAnswer,
        InspectionPhoto,
        CorrectiveAction,
        Key,
        KeyLoan,
        AccessEntry,
        Count,
        Discrepancy,
        TransferDocument,
        TransferAttachment,
        TraceRequest,
        Report,
    ):
        rows.append(sorted(map(str, model.objects.values_list().order_by("pk"))))
    return JournalEntry.objects.count(), rows


def _assert_hidden(body: str, name: str, echoed=()):
    """No marker of site B in ``body`` once what the request itself said (its path and the
    codes it sent, which error messages may repeat) is taken out."""
    for text in sorted((str(e) for e in echoed if e), key=len, reverse=True):
        body = body.replace(text, "")
    for marker in B_MARKERS:
        assert marker not in body, f"{name} shows {marker} to a user of site A"


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_site_a_user_cannot_see_or_change_site_b(name, world, client, api_client):
    spec = ENDPOINTS[name]
    kwargs = spec.get("kwargs", lambda c: {})(world)
    url = reverse(name, kwargs=kwargs)
    http = api_client if spec.get("api") else client
    if spec.get("api"):
        api_client.force_authenticate(world["user_a"])
    else:
        client.force_login(world["user_a"])
    before = _state()
    kind = spec["kind"]

    if kind == "node":
        for method in ("get", "post"):
            resp = getattr(http, method)(url)
            assert resp.status_code in {403, 405}, (name, method, resp.status_code)
            _assert_hidden(resp.content.decode(), name)
    elif kind == "open":
        resp = http.get(url)
        assert resp.status_code in {200, 302, 405}
        _assert_hidden(resp.content.decode(), name)
    elif kind in {"list", "shared"}:
        resp = http.get(url, spec.get("query", {}))
        assert resp.status_code in {200, 403}, resp.status_code
        _assert_hidden(resp.content.decode(), name)
        if "create" in spec:
            created = http.post(url, spec["create"](world), format="json")
            assert created.status_code in {403, 404}, (name, created.status_code)
    elif kind == "create":
        query = spec.get("query", {})
        echoed = list(query.values())
        form = http.get(url, query)
        assert form.status_code in {200, 403}
        _assert_hidden(form.content.decode(), name, echoed)
        target = f"{url}?{urlencode(query)}" if query else url
        resp = http.post(target, spec["post"](world))
        assert resp.status_code in {200, 400, 403}, resp.status_code
        _assert_hidden(resp.content.decode(), name, echoed)
    elif kind == "object":
        methods = spec.get("methods", ["get", "post" if not spec.get("api") else "patch"])
        for method in methods:
            data = spec.get("post", lambda c: {})(world)
            if method == "get":
                resp = http.get(url)
            elif spec.get("api"):
                resp = getattr(http, method)(url, data, format="json")
            else:
                resp = http.post(url, data)
            assert resp.status_code in {403, 404}, (name, method, resp.status_code)
            echoed = [url, *kwargs.values(), *data.values()]
            _assert_hidden(resp.content.decode(), name, echoed)

    assert _state() == before, f"{name} changed something"


def test_site_a_user_sees_and_changes_site_a(world, api_client):
    api_client.force_authenticate(world["user_a"])

    seen = api_client.get(f"/api/v1/sites/{world['a'].code}/")
    changed = api_client.patch(f"/api/v1/sites/{world['a'].code}/", {"town": "Kati"}, format="json")

    assert seen.status_code == 200 and changed.status_code == 200
    assert changed.json()["town"] == "Kati"
