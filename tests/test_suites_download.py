"""Suites by name: from $GEOSOLVER_DATA, else the user cache, else downloaded once (sha256 pinned).

The download is tested against a local mirror through a file:// URL; no test
touches the network.
"""

from __future__ import annotations

import shutil

import pytest

from geosolver.suites import SUITES, SuiteError, suite_path


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOSOLVER_DATA", str(tmp_path / "data"))  # holds nothing
    monkeypatch.setenv("GEOSOLVER_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_data_folder_comes_first(anchors, monkeypatch):
    monkeypatch.setenv("GEOSOLVER_DATA", str(anchors))
    assert suite_path("imo-ag-30") == anchors / "imo_ag_30.txt"


def test_downloaded_once_checked_and_cached(anchors, no_data, monkeypatch):
    mirror = no_data / "mirror"
    mirror.mkdir()
    shutil.copy(anchors / "jgex_ag_231.txt", mirror)
    monkeypatch.setenv("GEOSOLVER_SUITE_URL", mirror.as_uri())
    path = suite_path("jgex-ag-231")
    assert path == no_data / "cache" / "jgex_ag_231.txt"
    assert path.read_bytes() == (anchors / "jgex_ag_231.txt").read_bytes()
    shutil.rmtree(mirror)  # offline from now on: the cache serves
    assert suite_path("jgex-ag-231") == path


def test_a_file_with_another_checksum_is_refused(no_data, monkeypatch):
    mirror = no_data / "mirror"
    mirror.mkdir()
    (mirror / "imo_ag_30.txt").write_text("tampered\na b c = triangle ? coll a b c\n")
    monkeypatch.setenv("GEOSOLVER_SUITE_URL", mirror.as_uri())
    with pytest.raises(SuiteError, match=f"expected {SUITES['imo-ag-30'].sha256}"):
        suite_path("imo-ag-30")
    assert not (no_data / "cache" / "imo_ag_30.txt").exists()
    # a damaged cached copy is thrown away and fetched again
    (no_data / "cache").mkdir()
    (no_data / "cache" / "imo_ag_30.txt").write_text("damaged")
    with pytest.raises(SuiteError):
        suite_path("imo-ag-30")
    assert not (no_data / "cache" / "imo_ag_30.txt").exists()


def test_offline_is_a_clear_error(no_data, monkeypatch):
    monkeypatch.setenv("GEOSOLVER_SUITE_URL", (no_data / "nowhere").as_uri())
    with pytest.raises(SuiteError) as e:
        suite_path("imo-ag-30")
    msg = e.value.format()
    assert "downloading" in msg and "GEOSOLVER_DATA" in msg and "imo_ag_30.txt" in msg
    with pytest.raises(SuiteError, match="unknown suite"):
        suite_path("imo-ag-31")


def test_commands_take_a_suite_name(anchors, monkeypatch):
    import geosolver

    monkeypatch.setenv("GEOSOLVER_DATA", str(anchors))
    assert geosolver.load_problem("imo-ag-30", "translated_imo_2004_p5").name == "translated_imo_2004_p5"
    assert len(geosolver.check("jgex-ag-231")) == 231
