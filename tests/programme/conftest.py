import pytest

from pssm.programme import demo


@pytest.fixture
def programme(make):
    """The demo programme on a bare Mali (the two Malian model installations and the
    storekeeper the cascade links to)."""
    mali = make.country()
    org = make.organisation(mali, code="FAMA")
    make.site(org, code="KTI", is_model_installation=True, latitude="12.7441", longitude="-8.0726")
    make.site(org, code="BKOGN", is_model_installation=True)
    make.user("storekeeper", None, username="magasinier")
    demo.load("pw-for-the-demo-1")
    from pssm.programme.models import Programme

    return Programme.objects.get(code="PSSM-SAHEL")
