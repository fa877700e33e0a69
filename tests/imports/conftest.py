# ruff: noqa: E501
import pytest

from tests.ammunition.conftest import depot  # noqa: F401 - the ammunition depot fixture
from tests.movements.conftest import Armoury

MESSY = [
    ("Registre des armes – Magasin central;;;;;;", "cp1252"),
    (";;;;;;", "utf-8"),
    (
        "N° de série;Type d'arme;Fabricant;Pays de fabrication;Année de fabrication;Emplacement;Date d'entrée",
        "utf-8",
    ),
    ("AK-470015;AKM;Izhmash;Russie;1978;R01;12/03/2019", "utf-8"),
    ("ak 47 0016;Kalachnikov AKM;Izhmash;SU;1979;R01;12 mars 2019", "cp1252"),
    ("G3-77001;G3;Heckler & Koch;Allemagne;1975;R02;2019-03-12", "utf-8"),
    ("", "utf-8"),
    ("G3 77001;G3;Heckler & Koch;DE;1975;R02;", "utf-8"),
    ("MAT-5512;MAT 49;Tulle;France;2099;R02;", "utf-8"),
    ("FAL-1234;FN FALL;FN Herstal;BE;1968;R02;", "utf-8"),
    (";AKM;;;;R01;", "utf-8"),
    ("PM-998;Makarov PM;;XX;1960;R09;", "utf-8"),
    ("AKM-1234;AKM;Izhmash;Russie;1978;R01;31/02/2019", "utf-8"),
    ("Fusil n° 12 élève;AKM;;;;R01;", "cp1252"),
]


def write_messy(path):
    path.write_bytes(b"\r\n".join(text.encode(enc) for text, enc in MESSY) + b"\r\n")
    return path


@pytest.fixture
def armoury(make):
    """An armoury with racks R01 and R02, a storekeeper and a commander (who imports)."""
    return Armoury(make, "KTI")
