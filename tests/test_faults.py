"""Builds killed at random moments, and builds that resume (issue #11, items 10 and the fault
test). The same harness runs 50+ trials in benchmarks/fault_injection.py."""

from __future__ import annotations

from .faults import PHASES, kill_trials, resume_trial


def test_kill_9_in_every_phase_leaves_an_index_that_answers_as_one_complete_build(tmp_path):
    report = kill_trials(tmp_path, trials=8, seed=11)
    assert not report.failures, report.failures
    assert {t.phase for t in report.trials} == set(PHASES)
    # the kills aimed before the swap found the old index answering exactly as before
    assert all(t.outcome == "old" for t in report.trials if t.landed in ("reading", "embedding", "writing"))
    assert sum(t.landed in ("reading", "embedding", "writing") for t in report.trials) >= 4


def test_a_build_killed_while_embedding_resumes_with_what_it_saved(tmp_path):
    r = resume_trial(tmp_path, seed=3)
    assert 0 < r.saved < r.chunks  # killed midway, with batches saved
    assert r.embedded_again == r.chunks - r.saved  # only what was not saved is embedded again
    assert r.same_index  # and the resumed index answers as one built from scratch
