"""Problems as AlphaGeometry's and Newclid's users write them: accepted, or refused with the
reason (docs/LANGUAGE.md, section 6)."""

from __future__ import annotations

import pytest

from geosolver.api import check
from geosolver.errors import GeoError
from geosolver.language import parse_problem


@pytest.mark.parametrize("text", [
    "a b = segment; c = s_angle a b 108o ? aconst b a b c 108o",
    "a b = segment; c = s_angle a b 3pi/5 ? aconst b a b c 108",
    "a b = segment; c = s_angle a b -72o ? aconst b a b c 108o",
])
def test_newclid_angle_constants_are_degrees(text):
    assert [r.status for r in check(text)] == ["ok"]


def test_eqangle3_as_a_goal_says_what_to_write():
    with pytest.raises(GeoError) as e:
        parse_problem("a b c = triangle; d = eqangle3 d a b c a b ? eqangle3 d a b c a b")
    assert "is a construction, not a predicate" in e.value.message and "eqangle x a x b d e d f" in e.value.message


def test_an_earlier_point_in_a_new_point_slot_is_refused():
    with pytest.raises(GeoError) as e:
        parse_problem("a b c = triangle; d = on_line a b c ? coll a b d")
    assert "creates its argument x" in e.value.message and "'a'" in e.value.message


def test_an_angle_read_the_other_way_round_is_named():
    [r] = check("a b = segment; c = s_angle a b 108o ? aconst b c b a 108o")
    assert r.status != "ok" and "measured from the second line to the first" in r.error
    assert "aconst b c b a 2pi/5" in r.error
