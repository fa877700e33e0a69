import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain import codes
from pssm.domain.errors import ValidationError


def test_codes_are_upper_cased_and_composed():
    assert codes.compose("ML-KTI", codes.check_part(" esh03 ")) == "ML-KTI-ESH03"


@pytest.mark.parametrize("bad", ["", "E", "ESH-03", "TOOLONGCODE", "É1", "a b"])
def test_bad_code_parts_are_refused_naming_the_field(bad):
    with pytest.raises(ValidationError) as exc:
        codes.check_part(bad)

    assert exc.value.code == "invalid" and "code" in exc.value.details


@pytest.mark.parametrize("bad", ["M", "MLI", "1A", ""])
def test_bad_country_codes_are_refused(bad):
    with pytest.raises(ValidationError):
        codes.check_country_code(bad)


@given(st.from_regex(r"[A-Za-z0-9]{2,8}", fullmatch=True))
def test_check_part_is_idempotent(raw):
    part = codes.check_part(raw)

    assert codes.check_part(part) == part
