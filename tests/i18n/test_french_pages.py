"""Every page in French with nothing left over (issue 18, "French and English with nothing
left over"): on the demonstration data, every page reachable from the menu is opened as the
administrator and as the storekeeper, in French, and must show none of the project's own
English labels and no raw code (``in_store``, ``voucher.submitted``).

The pages are found by following the links of each page (at most two pages per URL name, so
every kind of page is seen without opening each of the 2,900 weapons)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from pssm.accounts.models import User

from .french_check import leftovers, visible_text

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_LINKS = ("/accounts/logout", "format=", ".pdf", "/api/", "/static/", "sort=", "page=")
NOT_YET: set[str] = set()


def _crawl(client: Client) -> tuple[int, dict[str, set[str]]]:
    seen, queue, per_name = set(), ["/"], Counter()
    problems: dict[str, set[str]] = defaultdict(set)
    usernames = set(User.objects.values_list("username", flat=True))
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            name = resolve(url.split("?")[0]).view_name
        except Resolver404:
            continue
        per_name[name] += 1
        if per_name[name] > 2:
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if name not in NOT_YET:
            for found in leftovers(visible_text(html), allowed=usernames):
                problems[found].add(url)
        for href in re.findall(r'href="(/[^"#]*)"', html):
            href = href.replace("&amp;", "&")
            if not any(part in href for part in SKIPPED_LINKS) and href not in seen:
                queue.append(href)
    return len(per_name), problems


@pytest.mark.parametrize("username", ["admin", "magasinier"])
def test_every_page_in_french_has_no_english_label_and_no_raw_code(db, username):
    call_command("demo", "--quiet-logins", verbosity=0)
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": "pssm-demo-2026"})
    client.post("/accounts/language/", {"language": "fr", "next": "/"})

    kinds, problems = _crawl(client)

    assert kinds > (40 if username == "admin" else 15)  # the crawl reached the whole menu
    report = "\n".join(f"{p}  (e.g. {sorted(urls)[0]})" for p, urls in sorted(problems.items()))
    assert not problems, f"French pages with English or codes left:\n{report}"


def test_the_checker_finds_english_labels_and_codes():
    html = (
        "<p>Statut : in_store</p><p>voucher.submitted</p><p>Sign out</p>"
        "<code>in_store</code><p>Se déconnecter</p>"
    )

    found = leftovers(visible_text(html))

    assert "code: 'in_store'" in found and "code: 'voucher.submitted'" in found
    assert "English: 'Sign out'" in found
    assert len([f for f in found if "in_store" in f]) == 1  # <code> is shown as it is
