"""Light on a 2G link (ADR 0018): pages are compressed with a BREACH mitigation, static files
carry hashed names, are compressed and cached far-future, and the favicon is served."""

import gzip
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings


def _login_page(client: Client):
    return client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")


@pytest.mark.django_db
def test_pages_are_gzip_compressed_and_padded_against_breach():
    client = Client()

    first, second = _login_page(client), _login_page(client)

    assert first.status_code == 200
    assert first["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"]
    html = gzip.decompress(first.content).decode()
    assert "<form" in html and len(first.content) < len(html) / 2
    # Django pads each compressed answer with random bytes (the gzip file name field), so
    # the same page never compresses to the same length twice in a row.
    lengths = {len(_login_page(client).content) for _ in range(6)} | {
        len(first.content),
        len(second.content),
    }
    assert len(lengths) > 1


@pytest.mark.django_db
def test_a_client_without_gzip_gets_plain_html():
    response = Client().get("/accounts/login/")

    assert "Content-Encoding" not in response
    assert b"<form" in response.content


@pytest.mark.django_db
def test_the_favicon_is_served_at_the_root_and_linked_from_every_page():
    client = Client()

    icon = client.get("/favicon.ico")
    page = client.get("/accounts/login/").content.decode()

    assert icon.status_code == 200
    assert icon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert re.search(r'<link rel="icon" href="/static/pssm/favicon[^"]*\.svg"', page)


@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_cached_for_years(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", verbosity=0)
        client = Client()  # a new client reads the collected files afresh

        page = client.get("/accounts/login/").content.decode()
        css_url = re.search(r'href="(/static/pssm/pssm\.[0-9a-f]{12}\.css)"', page).group(1)
        htmx_url = re.search(r'src="(/static/pssm/htmx\.min\.[0-9a-f]{12}\.js)"', page).group(1)
        css = client.get(css_url, HTTP_ACCEPT_ENCODING="gzip")
        htmx = client.get(htmx_url, HTTP_ACCEPT_ENCODING="gzip")
        plain = client.get(htmx_url)

    for response in (css, htmx):
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]
    htmx_gz = b"".join(htmx.streaming_content)
    htmx_raw = b"".join(plain.streaming_content)
    assert gzip.decompress(htmx_gz) == htmx_raw
    assert len(htmx_gz) < len(htmx_raw) / 2  # about 16 KB instead of 52 KB
