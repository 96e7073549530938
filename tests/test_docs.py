"""docs/LANGUAGE.md stays true: every example in it checks ok, every construction is documented."""

import re

import pytest

import geosolver
from geosolver.constructions import CONSTRUCTIONS
from tests.conftest import REPO

DOC = (REPO / "docs" / "LANGUAGE.md").read_text()


def _examples() -> list[str]:
    blocks = re.findall(r"^```geo\n(.*?)^```", DOC, flags=re.S | re.M)
    lines = [l.strip() for b in blocks for l in b.splitlines() if l.strip() and not l.startswith("#")]
    lines += re.findall(r"^- \*\*example:\*\* `([^`]+)`", DOC, flags=re.M)
    return lines


EXAMPLES = _examples()


def test_the_document_has_examples():
    assert len(EXAMPLES) >= 68


@pytest.mark.parametrize("text", EXAMPLES)
def test_example_checks_ok(text):
    results = geosolver.check(text)
    assert [r.status for r in results] == ["ok"] * len(results), [r.error for r in results]


def test_every_construction_has_an_entry_with_an_example():
    for name, c in CONSTRUCTIONS.items():
        heading = f"#### `{c.signature()}`"
        assert heading in DOC, name
        section = DOC.split(heading, 1)[1].split("\n#### ", 1)[0]
        assert "**example:**" in section, name
