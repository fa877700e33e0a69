"""Reading a list page's table in tests: the records it shows, and in which order."""

from __future__ import annotations


def shown(response) -> list:
    """The records of the page's table, in the order shown."""
    return [row.record for row in response.context["table"].paginated_rows]


def sorted_both_ways(client, url, column, key, **params):
    """The values of ``key`` for the rows sorted by ``column`` ascending, then descending."""
    up = client.get(url, {"sort": column, **params})
    down = client.get(url, {"sort": f"-{column}", **params})
    assert up.status_code == 200 and down.status_code == 200
    return [key(r) for r in shown(up)], [key(r) for r in shown(down)]
