"""Notebooks are committed clean: outputs only in cells tagged nbval-check-output, no execution
counts, no widget state; and every notebook of the book is in the table of contents."""
import pathlib

import nbformat
import notebooks
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = sorted((ROOT / "book").glob("*.ipynb"))


@pytest.mark.parametrize("path", BOOK, ids=[p.name for p in BOOK])
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    assert notebooks.problems(nb) == [], f"run: make strip (or make refresh) -- {path.name}"
    assert any(notebooks.is_checked(c) for c in nb.cells), "every chapter has a checked cell"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_every_chapter_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    pages = sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.md"))
    missing = [p.stem for p in pages if f"book/{p.stem}" not in toc]
    assert missing == []


def test_strip_keeps_only_checked_outputs():
    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output("stream", name="stdout", text="1\n")
    nb.cells = [nbformat.v4.new_code_cell("print(1)", outputs=[out], execution_count=3),
                nbformat.v4.new_code_cell("print(1)", outputs=[out], execution_count=4,
                                          metadata={"tags": [notebooks.TAG]})]
    nb.metadata["widgets"] = {"state": {}}
    assert len(notebooks.problems(nb)) >= 3
    notebooks.strip(nb)
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs == [out]
    assert nb.cells[0].execution_count is None and nb.cells[1].execution_count == 2
    assert notebooks.problems(nb) == []


def test_old_comment_marker_moves_into_the_tag_and_is_reported_until_then():
    cell = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(2)", execution_count=1,
                                     outputs=[nbformat.v4.new_output("stream", name="stdout", text="2\n")])
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert any("use the cell tag" in p for p in notebooks.problems(nb))
    assert notebooks.move_comment_to_tag(cell) and cell.source == "print(2)"
    assert notebooks.is_checked(cell) and notebooks.problems(nb) == []
    assert not notebooks.move_comment_to_tag(cell)


@pytest.mark.parametrize("path", BOOK, ids=[p.name for p in BOOK])
def test_every_chapter_starts_with_the_run_locally_cell(path):
    cell = notebooks.first_code_cell(nbformat.read(path, as_version=4))
    assert cell.source == notebooks.SETUP_CELL and notebooks.SETUP_TAG in cell.metadata.get("tags", []), \
        f"run: python tools/notebooks.py setup book -- {path.name}"


def test_setup_cell_finds_a_clone_or_says_what_to_do(tmp_path, monkeypatch):
    import importlib.util
    import sys
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "lstm_helpers" else real(name))
    (tmp_path / "book").mkdir()
    monkeypatch.chdir(tmp_path / "book")
    with pytest.raises(ModuleNotFoundError, match="make lab"):
        exec(notebooks.SETUP_CELL, {})
    (tmp_path / "lstm_helpers").mkdir()
    exec(notebooks.SETUP_CELL, {})
    assert sys.path[0] == str(tmp_path)
    sys.path.remove(str(tmp_path))


def test_references_cell_lists_every_cited_key_author_year_and_is_removed_from_the_website(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("As {cite}`gers2000forget` and {cite:p}`greff2017odyssey,gers2000forget` say."),
        nbformat.v4.new_code_cell("x = 1  # {cite}`hochreiter1997lstm` in code is not a citation")])
    assert notebooks.cited_keys(nb) == ["gers2000forget", "greff2017odyssey"]
    notebooks.add_references_cell(nb)
    notebooks.add_references_cell(nb)                    # idempotent: one cell, replaced, at the end
    refs = [c for c in nb.cells if c.metadata.get(notebooks.REFS_KEY)]
    assert len(refs) == 1 and nb.cells[-1] is refs[0] and "remove-cell" in refs[0].metadata["tags"]
    text = refs[0].source
    assert "`gers2000forget`: Gers, Schmidhuber & Cummins (2000). *Learning to Forget" in text
    assert "`greff2017odyssey`: Greff et al. (2017)." in text and "hochreiter" not in text
    with pytest.raises(ValueError, match="keys must be in references.bib; missing: \\['nobody2099'\\]"):
        notebooks.references_text(["nobody2099"])


@pytest.mark.parametrize("path", BOOK, ids=[p.name for p in BOOK])
def test_every_chapter_that_cites_a_paper_ends_with_its_current_references_cell(path):
    nb = nbformat.read(path, as_version=4)
    had = [c.source for c in nb.cells if c.metadata.get(notebooks.REFS_KEY)]
    want = [c.source for c in notebooks.add_references_cell(nbformat.from_dict(nb)).cells
            if c.metadata.get(notebooks.REFS_KEY)]
    assert had == want, f"run: python tools/notebooks.py refs book -- {path.name}"


def test_strip_joins_printed_text_the_kernel_sent_in_pieces():
    """How a kernel splits a cell's stdout varies between runs; the stored output must not."""
    pieces = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in ("a\n", "b", "\n")]
    err = nbformat.v4.new_output("stream", name="stderr", text="warning\n")
    cell = nbformat.v4.new_code_cell("...", outputs=pieces + [err], execution_count=1, metadata={"tags": [notebooks.TAG]})
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert notebooks.problems(nb) == ["cell 0: printed text stored in pieces (make strip joins them)"]
    notebooks.strip(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [("stdout", "a\nb\n"), ("stderr", "warning\n")]
    assert notebooks.problems(nb) == []
