"""The printable count sheet has every location of the count and enough rows for what the
books hold there, without ever showing the books (issue 18, build item 3)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pssm.inspections import services
from pssm.inspections.pdf import sheet_lines
from tests.movements.conftest import Armoury


@pytest.mark.parametrize(
    ("in_books", "rows"), [(0, 10), (3, 10), (5, 10), (6, 20), (25, 30), (290, 320), (1000, 1100)]
)
def test_rows_leave_room_for_the_books_and_round_to_a_ten(in_books, rows):
    assert sheet_lines(in_books) == rows


def test_the_sheet_lists_every_location_with_rows_for_its_books_and_no_serial(make, client):
    kti = Armoury(make, "KTI")
    serials = [f"SHEET-{n:03d}" for n in range(25)]
    kti.receive(*serials)
    count = services.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")
    client.force_login(kti.keeper)

    answer = client.get(reverse("inspections:count_sheet", args=[count.pk]))

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert kti.rack.name in text and kti.rack2.name in text
    numbers = {int(w) for w in text.split() if w.isdigit()}
    assert set(range(1, 31)) <= numbers  # R01 holds 25: 30 rows
    assert not any(s in text for s in serials)
