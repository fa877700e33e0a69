import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pssm.core.tables import configure

from . import selectors, sentences
from .tables import JournalFilter, JournalTable


@login_required
def entry_list(request):
    filterset = JournalFilter(request.GET or None, kinds=selectors.journal_kinds(user=request.user))
    rows = filterset.selected(lambda f: selectors.journal_entry_list(user=request.user, filters=f))
    return render(
        request,
        "journal/entry_list.html",
        {"table": configure(request, JournalTable(rows), filterset)},
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
