"""`geosolver bench`: JSONL records, resume after a kill, bad input, and the worker limits."""

import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from geosolver import __version__
from geosolver.bench import (
    RECORD_KEYS,
    Task,
    read_records,
    run_bench,
    run_tasks,
    summarize,
    summary_table,
)
from geosolver.cli import main
from geosolver.solve import DEFAULT_MODE
from geosolver.language import Entry, find_entries
from geosolver.neural.proposer import shipped_sha256
from tests.conftest import REPO

SOLVABLE = ["orthocenter", "thales", "circumcenter", "midline"]  # each solves in well under a second
FALSE_GOAL = "a b c = triangle a b c; h = orthocenter h a b c ? perp a b a c"
BAD_SYNTAX = "a b c = triangle a b c; h = foo h a b c ? perp a h b c"  # unknown construction
NAMES = SOLVABLE + ["false_goal", "bad_syntax"]
EXPECTED = {"solved": 4, "saturated": 0, "exhausted": 0, "timeout": 0, "error": 2}


def _write_suite(path):
    classics = REPO / "problems" / "classics.txt"
    lines = [f"{n}\n{find_entries(classics, n)[0].text}\n" for n in SOLVABLE]
    lines += [f"false_goal\n{FALSE_GOAL}\n", f"bad_syntax\n{BAD_SYNTAX}\n"]
    path.write_text("".join(lines))
    return path


def _bench(argv, capsys):
    try:
        code = main(["bench", *map(str, argv)])
    except SystemExit as e:  # argparse's own errors (a bad --mode) exit from inside
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def _solved_fraction(table):
    return re.search(r"^geosolver .*?(\d+/\d+)", table, flags=re.M).group(1)


def _status_line(table):
    return next(line for line in table.splitlines() if line.startswith("status:"))


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return _write_suite(tmp_path_factory.mktemp("suite") / "mini.txt")


@pytest.fixture(scope="module")
def full_run(suite, tmp_path_factory):
    """One uninterrupted run through the CLI: (records in file order, summary table)."""
    out = tmp_path_factory.mktemp("full") / "full.jsonl"
    code = main(["bench", str(suite), "--out", str(out), "--workers", "2", "--timeout", "10"])
    assert code == 0
    return _lines(out), summary_table(read_records(out), suite)


def test_full_run_writes_one_record_per_problem(full_run, suite):
    records, table = full_run
    assert sorted(r["name"] for r in records) == sorted(NAMES)
    for r in records:
        assert list(r) == list(RECORD_KEYS)
        assert r["mode"] == DEFAULT_MODE == "full" and r["seed"] == 0 and r["version"] == __version__  # the default: the strongest
        assert r["model"] == shipped_sha256()[1][:12]  # the weights it proposed with
    by_name = {r["name"]: r for r in records}
    for n in SOLVABLE:
        assert by_name[n]["status"] == "solved" and by_name[n]["proof_steps"] > 0 and by_name[n]["error"] is None
    assert by_name["false_goal"]["status"] == "error" and "false in the figure" in by_name["false_goal"]["error"]
    assert by_name["bad_syntax"]["status"] == "error" and "unknown construction 'foo'" in by_name["bad_syntax"]["error"]
    assert summarize(records)["counts"] == EXPECTED
    assert _solved_fraction(table) == "4/6"
    assert _status_line(table) == "status: solved 4, saturated 0, exhausted 0, timeout 0, error 2"
    assert "AlphaGeometry" not in table  # not one of the two known suites


def test_summary_does_not_depend_on_order(full_run):
    records = list(full_run[0])
    before = summarize(records)
    random.Random(1).shuffle(records)
    assert summarize(records) == before


def test_summary_shows_alphageometry_figures_for_known_suites():
    recs = [{"name": f"p{i}", "status": s, "seconds": 1.0 + i, "mode": "ddar", "version": __version__}
            for i, s in enumerate(["solved"] * 20 + ["saturated"] * 10)]
    table = summary_table(recs, "imo-ag-30")
    assert "20/30" in table and "AlphaGeometry DDAR       14/30" in table and "AlphaGeometry            25/30" in table
    assert "10.50" in table  # median seconds of the solved: 1..20 -> 10.5
    jgex = summary_table(recs, "some/dir/jgex_ag_231.txt")
    assert "198/231" in jgex and "228/231" in jgex and "not comparable" in jgex


def test_killed_run_resumes_to_the_same_summary(suite, full_run, tmp_path, capsys):
    out = tmp_path / "f.jsonl"
    cmd = [sys.executable, "-m", "geosolver", "bench", str(suite), "--workers", "1", "--out", str(out),
           "--timeout", "10"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t_end = time.monotonic() + 30
        while not (out.exists() and out.read_text().count("\n") >= 1):
            assert proc.poll() is None, "the run ended before writing a line"
            assert time.monotonic() < t_end, "no line written in 30 s"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, mid-flight
        proc.wait()
    first = _lines(out)
    assert 1 <= len(first) < len(NAMES)

    code, table, err = _bench([suite, "--workers", "2", "--out", out, "--timeout", "10", "--resume"], capsys)
    assert code == 0, err
    records = _lines(out)
    assert records[: len(first)] == first  # appended, nothing rewritten
    assert sorted(r["name"] for r in records) == sorted(NAMES)  # each exactly once
    assert summarize(records)["counts"] == summarize(full_run[0])["counts"] == EXPECTED
    assert _solved_fraction(table) == _solved_fraction(full_run[1]) == "4/6"
    assert _status_line(table) == _status_line(full_run[1])


def test_names_filter_and_a_line_cut_short(suite, tmp_path, capsys):
    out = tmp_path / "r.jsonl"
    code, table, _ = _bench([suite, "--names", "orthocenter, thales", "--out", out, "--timeout", "10"], capsys)
    assert code == 0
    assert sorted(r["name"] for r in _lines(out)) == ["orthocenter", "thales"]
    assert _solved_fraction(table) == "2/2"
    # a machine that went down mid-write leaves half a line: ignored, its problem runs again
    with open(out, "a") as f:
        f.write('{"name": "midline", "stat')
    records = run_bench(suite, timeout=10, workers=1, out=out, resume=True, names=["midline", "thales"],
                        progress=False)
    assert sorted(r["name"] for r in records) == ["midline", "orthocenter", "thales"]
    assert "not a result record" in capsys.readouterr().err
    assert out.read_text().count('"name": "midline", "status"') == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["no/such/suite.txt"], "no such problem file"),
        (["{suite}", "--names", "orthocentre"], "no problem named 'orthocentre'"),
        (["{suite}", "--out", "{existing}"], "pass --resume"),
        (["{suite}", "--out", "{existing}", "--resume", "--seed", "3"], "seed 0, this run asks mode 'full' and seed 3"),
        (["{suite}", "--workers", "0"], "--workers must be at least 1"),
        (["{suite}", "--timeout", "0"], "--timeout must be a positive number"),
        (["imo-ag-30"], "GEOSOLVER_DATA"),
        (["{suite}", "--mode", "llm"], "invalid choice"),
    ],
)
def test_bad_input_exits_2(args, message, suite, tmp_path, capsys, monkeypatch):
    existing = tmp_path / "existing.jsonl"
    existing.write_text(json.dumps({"name": "thales", "status": "solved", "seconds": 0.1, "mode": "ddar",
                                    "seed": 0}) + "\n")
    monkeypatch.setenv("GEOSOLVER_DATA", str(tmp_path))  # no AlphaGeometry files there,
    monkeypatch.setenv("GEOSOLVER_CACHE", str(tmp_path / "cache"))  # none cached,
    monkeypatch.setenv("GEOSOLVER_SUITE_URL", (tmp_path / "offline").as_uri())  # and no way to fetch them
    monkeypatch.chdir(tmp_path)
    argv = [a.format(suite=suite, existing=existing) for a in args]
    code, _, err = _bench(argv, capsys)
    assert code == 2 and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.jsonl"]  # nothing written


# --- the worker limits, with injected targets (module-level: spawned workers import them) ---


def _target(task: Task) -> dict:
    if task.name == "hang":
        time.sleep(120)
    elif task.name == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    elif task.name == "hog":
        return {"size": len(bytearray(2 << 30))}  # 2 GB, over the limit
    elif task.name == "bug":
        raise ZeroDivisionError("division by zero")
    return {"name": task.name, "status": "solved"}


def test_each_problem_pays_only_for_itself():
    tasks = [Task(Entry(n, "", "<test>", 1), timeout=0.5 if n == "hang" else 60)
             for n in ["hang", "crash", "hog", "bug", "fine"]]
    done = {}
    t0 = time.monotonic()
    run_tasks(tasks, lambda task, rec: done.setdefault(task.name, rec), workers=5, memory_mb=512,
              target=_target, grace=1.0)
    assert time.monotonic() - t0 < 30
    assert done["hang"]["status"] == "timeout" and done["hang"]["error"] == "killed after 1.5 s"
    assert 1.5 <= done["hang"]["seconds"] < 20
    assert done["crash"]["status"] == "error" and "died (killed by SIGKILL)" in done["crash"]["error"]
    assert done["hog"]["status"] == "error" and "out of memory (over the 512 MB limit" in done["hog"]["error"]
    assert done["bug"]["error"] == "internal error: ZeroDivisionError: division by zero"
    assert done["fine"] == {"name": "fine", "status": "solved"}
