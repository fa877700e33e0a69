"""What the edge tests run over, found from the URL configuration and the OpenAPI schema
rather than listed by hand."""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser


@cache
def openapi() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def get_operations() -> list[tuple[str, list[str]]]:
    """Every GET operation of the API as (path template, names of its query parameters)."""
    found = []
    for path, operations in openapi()["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        found.append((path, names))
    return found


def _walk(patterns, prefix=""):
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and "<" not in route:
            yield "/" + route.lstrip("^").rstrip("$")


def web_pages() -> list[str]:
    """Every page of the web interface whose URL takes no argument."""
    from django.urls import get_resolver

    return sorted(
        path for path in set(_walk(get_resolver().url_patterns)) if not path.startswith("/api/")
    )


class _GetForms(HTMLParser):
    """The names of the fields of the page's GET forms (its filters)."""

    def __init__(self):
        super().__init__()
        self.names: list[str] = []
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self._in_get_form and tag in {"input", "select", "textarea"}:
            name = attrs.get("name")
            if name and attrs.get("type") not in {"submit", "button"} and name not in self.names:
                self.names.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def filter_names(html: str) -> list[str]:
    parser = _GetForms()
    parser.feed(html)
    return parser.names
