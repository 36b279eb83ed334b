"""The rules the test suite holds itself to: warnings are errors, no test waits by sleeping, and a test's tier
is its directory."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from tests.support.tiers import TESTS_ROOT, misplaced, slow_files_first, tier_of

# A sleep, or an Event nobody sets waited on as one.
SLEEP = re.compile(r"\bsleep\(|Event\(\)\.wait\(")

# The only sleeps in tests/: a file, the code on the line, and why it is not a wait for something.
ALLOWED_SLEEPS = {
    # The poll interval of the bounded wait (tests/support/waiting.py) every other wait goes through.
    ("support/waiting.py", "time.sleep(interval)"),
    # The pace of a handheld sweeping shelves: the load the zero-loss test keeps up through the crashes.
    ("integration/test_zero_loss.py", "time.sleep(0.01)"),
    # An agent process at work until its test kills it with -9; the bound ends one left orphaned.
    ("integration/edge/agent_process.py", "time.sleep(600)"),
}


def _sleeps() -> list[tuple[str, int, str, str]]:
    """Every sleep in tests/ but this file: (file, line number, code, comment)."""
    found = []
    for path in sorted(TESTS_ROOT.rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if SLEEP.search(line):
                code, _, comment = line.partition("#")
                found.append((path.relative_to(TESTS_ROOT).as_posix(), number, code.strip(), comment.strip()))
    return found


def test_no_test_sleeps_to_wait_for_something() -> None:
    unexpected = [
        f"tests/{name}:{number}: {code}"
        for name, number, code, _ in _sleeps()
        if (name, code) not in ALLOWED_SLEEPS
    ]
    assert not unexpected, (
        "wait for the condition with tests.support.waiting.wait_until instead of sleeping:\n"
        + "\n".join(unexpected)
    )


def test_every_allowed_sleep_is_still_there_and_says_why() -> None:
    found = {(name, code): comment for name, _, code, comment in _sleeps()}
    assert set(ALLOWED_SLEEPS) <= set(found), "drop what is gone from ALLOWED_SLEEPS"
    assert all(found[allowed] for allowed in ALLOWED_SLEEPS), "an allowed sleep says on its line why"


def test_a_warning_fails_the_test_that_caused_it() -> None:
    with pytest.raises(ResourceWarning):
        warnings.warn("unclosed file", ResourceWarning, stacklevel=1)
    with pytest.raises(DeprecationWarning):
        warnings.warn("going away", DeprecationWarning, stacklevel=1)


def test_the_scan_sees_sleeps_and_sleeping_events() -> None:
    assert SLEEP.search("        time.sleep(0.1)")
    assert SLEEP.search("    await asyncio.sleep(1)")
    assert SLEEP.search("    threading.Event().wait(0.3)")
    assert not SLEEP.search("    assert stop.wait(10)")
    assert not SLEEP.search("def sleepy(): ...")


@pytest.mark.parametrize(
    ("relative", "tier"),
    [
        ("unit/test_privacy.py", "unit"),
        ("unit/domain/stocktake/test_plan.py", "unit"),
        ("contract/devices/feig/test_pty_endpoint.py", "contract"),
        ("integration/test_demo.py", "integration"),
        ("test_somewhere.py", None),
        ("support/test_helpers.py", None),
        ("units/test_typo.py", None),
    ],
)
def test_the_tier_is_the_directory_under_tests(relative: str, tier: str | None) -> None:
    assert tier_of(TESTS_ROOT / relative) == tier


def test_a_file_outside_the_tests_is_in_no_tier(tmp_path: Path) -> None:
    assert tier_of(tmp_path / "unit" / "test_x.py") is None


def test_a_test_out_of_place_is_told_where_it_belongs() -> None:
    assert misplaced("unit", set()) is None
    assert misplaced("unit", {"unit"}) is None
    wrong = misplaced("unit", {"integration"})
    assert wrong == "is marked integration but lives in tests/unit/: move it, or drop the marker"
    nowhere = misplaced(None, set())
    assert (
        nowhere == "lives outside tests/{unit,contract,integration}/: move it into the directory of its tier"
    )


def test_files_with_a_slow_test_go_first_each_in_its_own_order() -> None:
    tests = [("a.py", "a1", False), ("b.py", "b1", False), ("b.py", "b2", True), ("c.py", "c1", False)]
    tests += [("d.py", "d1", True), ("b.py", "b3", False)]
    ordered = slow_files_first(tests, lambda test: test[0], lambda test: test[2])
    assert [name for _, name, _ in ordered] == ["b1", "b2", "d1", "b3", "a1", "c1"]
