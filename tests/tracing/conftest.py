from tests.movements.conftest import kti, seg  # noqa: F401 - the armouries of the movements tests
