"""The programme's activities as a sortable table (issue 18, item 5)."""

from django.urls import reverse

from tests.lists import shown, sorted_both_ways


def test_activities_sort_by_dates_and_title_and_filter_by_country(programme, client, make):
    client.force_login(make.user("programme_viewer", None, language="en"))
    url = reverse("programme:activity_list")

    oldest, newest = sorted_both_ways(client, url, "dates", lambda a: (a.start_date, a.code))
    a_to_z, z_to_a = sorted_both_ways(client, url, "title", lambda a: a.title_en)
    in_mali = shown(client.get(url, {"country": "ML"}))
    bad_year = client.get(url, {"year": "twenty"})

    assert oldest == sorted(oldest) and newest == sorted(newest, reverse=True)
    assert oldest[0] != newest[0]
    assert a_to_z == sorted(a_to_z) and z_to_a == sorted(z_to_a, reverse=True)
    assert in_mali and all("ML" in {c.code for c in a.countries.all()} for a in in_mali)
    assert len(in_mali) < len(oldest) or len(oldest) == 50
    assert "year" in bad_year.context["table"].filter.errors_or_none()
