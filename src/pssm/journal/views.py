import json
from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pssm.core.web import clean_filters, paginate

from . import selectors, sentences


def _date(raw: str):
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def entry_list(request):
    filters = clean_filters(request, ["kind", "actor", "site", "date_from", "date_to", "q"])
    query = dict(filters, date_from=_date(filters["date_from"]), date_to=_date(filters["date_to"]))
    page = paginate(request, selectors.journal_entry_list(user=request.user, filters=query))
    for entry in page:
        entry.label = sentences.label(entry.kind)
    return render(
        request,
        "journal/entry_list.html",
        {
            "page_obj": page,
            "filters": filters,
            "kinds": [(k, sentences.label(k)) for k in selectors.journal_kinds(user=request.user)],
            "bad_dates": bool(filters["date_from"] and not query["date_from"])
            or bool(filters["date_to"] and not query["date_to"]),
        },
    )


@login_required
def entry_detail(request, uuid):
    entry = selectors.journal_entry_get(user=request.user, uuid=uuid)
    payload = json.dumps(json.loads(entry.payload), indent=2, ensure_ascii=False)
    return render(
        request,
        "journal/entry_detail.html",
        {
            "entry": entry,
            "payload": payload,
            "label": sentences.label(entry.kind),
            "sentence": sentences.sentence(entry),
        },
    )
