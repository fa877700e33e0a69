"""Every title of the report definitions is in the translation catalogue's source
(pssm.reports.definition_texts), so that a new template year cannot leave English in a French
report."""

import json
from pathlib import Path

from pssm.reports import definition_texts

DEFINITIONS = Path(definition_texts.__file__).with_name("definitions")


def _titles(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                yield value
            yield from _titles(value)
    elif isinstance(node, list):
        for value in node:
            yield from _titles(value)


def test_every_definition_title_is_listed_for_translation():
    listed = set(definition_texts.TITLES)
    for path in sorted(DEFINITIONS.glob("*.json")):
        missing = set(_titles(json.loads(path.read_text(encoding="utf-8")))) - listed
        assert not missing, f"{path.name}: add to definition_texts.py: {sorted(missing)}"


def test_every_regional_instrument_title_is_listed_for_translation():
    rules = DEFINITIONS.parents[1] / "domain" / "rules" / "reporting.json"
    titles = set(_titles(json.loads(rules.read_text(encoding="utf-8"))))
    assert titles and titles <= set(definition_texts.INSTRUMENT_TITLES)


def test_every_definition_source_is_listed_for_translation():
    for path in sorted(DEFINITIONS.glob("*.json")):
        source = json.loads(path.read_text(encoding="utf-8"))["source"]
        assert source in definition_texts.SOURCES, f"{path.name}: add its source to SOURCES"
