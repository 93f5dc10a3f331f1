"""The website's execution cache is emptied when anything a page depends on changes, not only its code."""
import importlib.metadata

import execute_book


def make_book(root):
    (root / "lstm_helpers" / "engine").mkdir(parents=True)
    (root / "lstm_helpers" / "engine" / "lstm.py").write_text("A = 1\n")
    (root / "benchmarks").mkdir()
    (root / "benchmarks" / "full_run.json").write_text("{}")
    (root / "references.bib").write_text("")


def test_fingerprint_follows_the_package_the_stored_runs_and_the_installed_libraries(tmp_path, monkeypatch):
    make_book(tmp_path)
    first = execute_book.fingerprint(tmp_path)
    assert execute_book.fingerprint(tmp_path) == first                          # deterministic
    (tmp_path / "lstm_helpers" / "engine" / "lstm.py").write_text("A = 2\n")
    second = execute_book.fingerprint(tmp_path)
    (tmp_path / "benchmarks" / "full_run.json").write_text('{"runs": []}')
    third = execute_book.fingerprint(tmp_path)
    real = importlib.metadata.distributions
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: [d for d in real() if d.metadata["Name"] != "torch"])
    fourth = execute_book.fingerprint(tmp_path)                                  # PyTorch uninstalled
    assert len({first, second, third, fourth}) == 4


def test_a_stale_cache_is_emptied_and_a_current_one_kept(tmp_path):
    make_book(tmp_path)
    cache = tmp_path / "_build" / ".jupyter_cache"
    assert execute_book.renew_if_stale(cache, tmp_path) is False                # no cache yet: nothing to empty
    (cache / "executed.db").write_text("x")
    assert execute_book.renew_if_stale(cache, tmp_path) is False and (cache / "executed.db").exists()
    (tmp_path / "lstm_helpers" / "engine" / "lstm.py").write_text("A = 3\n")
    assert execute_book.renew_if_stale(cache, tmp_path) is True and not (cache / "executed.db").exists()
    assert (cache / "FINGERPRINT").read_text() == execute_book.fingerprint(tmp_path)
