"""Every decimal number in a page's prose is printed by a checked cell of that page (STYLE.md §7):
the extractor and the matching rule on hand-written notebooks, then every page of the book."""
import pathlib

import nbformat
import notebooks
import prose_numbers
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.md"))


def page(*markdown, printed="", code=None):
    """A notebook: markdown cells, then a checked cell that printed ``printed``, then ``code``."""
    out = nbformat.v4.new_output("stream", name="stdout", text=printed)
    cells = [nbformat.v4.new_markdown_cell(m) for m in markdown]
    cells.append(nbformat.v4.new_code_cell("print(...)", outputs=[out], execution_count=1,
                                           metadata={"tags": [notebooks.TAG]}))
    if code is not None:
        cells.append(nbformat.v4.new_code_cell(code))
    return nbformat.v4.new_notebook(cells=cells)


def texts(*markdown):
    return [n.text for n in prose_numbers.prose_numbers(page(*markdown))]


def test_plain_decimals_are_found_with_their_sentence_and_integers_are_not():
    nb = page("We trained for 2,000 batches at gap 50. The accuracy was 0.56 (chance 0.17).\n\nNext.")
    found = prose_numbers.prose_numbers(nb)
    assert [n.text for n in found] == ["0.56", "0.17"]
    assert found[0].context == "The accuracy was 0.56 (chance 0.17)."


def test_math_formulas_are_skipped_but_a_number_typeset_as_math_is_checked():
    md = ("The gate starts at $\\sigma(1) \\approx 0.73$ and $f = 0.9$; {math}`\\tanh(0.5)` too.\n\n"
          "$$\nC_t = 0.5 \\cdot C_{t-1}\n + 0.25\n$$\n\n"
          "It falls to $2.4 \\times 10^{-21}$, with Adam $10^{-2}$; the writes were $0.8, 1.2$ and {math}`0.25`.")
    assert texts(md) == ["2.4 × 10^-21", "10^-2", "0.8", "1.2", "0.25"]


def test_inline_code_fenced_code_and_code_cells_are_skipped():
    md = "Call `train(lr=0.05)` here.\n\n```python\nx = 0.25\n```\n\n~~~\ny = 0.125\n~~~\nBut 0.75 is prose."
    nb = page(md, code="z = 0.375")
    assert [n.text for n in prose_numbers.prose_numbers(nb)] == ["0.75"]


def test_a_sentence_citing_a_paper_is_skipped_but_its_neighbours_are_not():
    md = ("Greff et al. {cite}`greff2017odyssey` found an error of 0.93 on speech. We measured 0.55. "
          "Jozefowicz et al. reported 0.87 {cite:p}`jozefowicz2015empirical`.")
    assert texts(md) == ["0.55"]


def test_dropdown_content_is_prose_and_its_options_and_code_are_not():
    md = (":::{dropdown} Answers\n:open:\n1. About 0.68.\n\n```python\nf = 0.68\n```\n:::\n\n"
          "````{admonition} Note 0.5\n```{code-cell} ipython3\nq = 0.125\n```\nInside 0.25.\n````")
    assert texts(md) == ["0.68", "0.5", "0.25"]


def test_table_cells_are_prose_and_each_row_is_its_own_context():
    found = prose_numbers.prose_numbers(page("| model | acc |\n|---|---|\n| RNN | 0.34 |\n| LSTM | 1.00 |"))
    assert [(n.text, n.context) for n in found] == [("0.34", "| RNN | 0.34 |"), ("1.00", "| LSTM | 1.00 |")]


def test_urls_links_html_and_version_strings_are_not_numbers():
    md = ("See [the 2.5 guide](https://example.org/v1.5/page?lr=0.05), https://x.org/data-3.14.csv, "
          "<img src=\"fig0.5.png\" width=\"0.8\"> and numpy 2.4.6 on Linux-6.18.44.")
    assert texts(md) == ["2.5"]


def test_signs_percent_and_scientific_forms_are_read_as_written():
    md = "Values −0.4 and -0.2, a drop of 0.8 %, errors of 2.4e-16 and 1.5 × 10⁻³, a range 0.3-0.5."
    assert texts(md) == ["−0.4", "-0.2", "0.8", "2.4e-16", "1.5 × 10⁻³", "0.3", "0.5"]


@pytest.mark.parametrize("number, printed, expected", [
    ("0.56", "0.5612", True), ("0.56", "0.56", True), ("0.56", "0.5651", False), ("0.56", "0.6", False),
    ("1.00", "1.0", True), ("1.00", "0.998", True), ("1.00", "1.", True), ("0.5", "0.55", True),
    ("2.4e-16", "2.371e-16", True), ("2.4 × 10⁻¹⁶", "2.371e-16", True), ("2.4e-16", "2.46e-16", False),
    ("0.18", "1.8e-01", True), ("−0.4", "-0.4", True), ("−0.4", "0.4", False), ("−0.4", "−0.40", True), ("0.4", "−0.4", False),
    ("0.8", "0.008", False), ("10^-29", "5.9e-29", True), ("10⁻²⁹", "5.9e-28", False),
    ("1e-16", "9.9e-16", True), ("10^-2", "0.01", True), ("10^-2", "0.05", False), ("10^-2", "9.1e-03", False),
])
def test_matching_rule_rounds_the_output_to_the_digits_the_prose_shows(number, printed, expected):
    assert prose_numbers.is_printed(number, [printed]) is expected


def test_printed_numbers_come_only_from_checked_cells():
    nb = page("The loss was 0.56 and the rate 0.25.", printed="loss 0.5612, x = [-0.19  1. ]\n")
    nb.cells.append(nbformat.v4.new_code_cell("print(0.25)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="0.25\n")]))
    assert prose_numbers.printed_numbers(nb) == ["0.5612", "-0.19", "1."]
    assert prose_numbers.check(nb) == (2, [("0.25", "The loss was 0.56 and the rate 0.25.")])


def test_a_setting_written_in_code_counts_only_with_exactly_that_value():
    nb = page("Adam with a learning rate of 0.05, clipping at 1.0 and a threshold of 0.1.",
              code="run(lr=0.05, clip = 1.0)\nif err == 0.1:\n    pass")
    assert prose_numbers.setting_numbers(nb) == ["0.05", "1.0"]
    assert prose_numbers.check(nb)[1] == [("0.1", nb.cells[0].source)]
    assert prose_numbers.is_printed("10^-2", [], settings=["1e-2"])
    assert not prose_numbers.is_printed("0.05", [], settings=["0.051"])


def test_a_myst_markdown_page_is_read_with_its_code_cells(tmp_path):
    md = tmp_path / "intro.md"
    md.write_text("---\njupytext:\n  version: 1.5\n---\n# Title\n\nIt agrees to about 1e-15.\n\n"
                  "```{code-cell} ipython3\nrate = 0.25\n```\n\nA rate of 0.25.\n")
    nb = prose_numbers.read_page(md)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    assert [n.text for n in prose_numbers.prose_numbers(nb)] == ["1e-15", "0.25"]
    assert prose_numbers.check(nb) == (2, [("1e-15", "It agrees to about 1e-15.")])


def test_command_line_names_the_page_and_each_unprinted_number(tmp_path, capsys):
    nbformat.write(page("The accuracy was 0.56; the loss 0.31.", printed="acc 0.5612\n"), tmp_path / "a.ipynb")
    nbformat.write(page("Perfect (1.00).", printed="1.0\n"), tmp_path / "b.ipynb")
    assert prose_numbers.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "a.ipynb: 2 prose numbers checked, 1 not printed" in out and "0.31" in out and "0.56 " not in out
    assert "b.ipynb: 1 prose numbers checked, 0 not printed" in out
    assert prose_numbers.main([str(tmp_path / "b.ipynb")]) == 0


@pytest.mark.parametrize("call, argument", [
    (lambda: prose_numbers.prose_numbers("book/01_forgetting.ipynb"), "nb must be"),
    (lambda: prose_numbers.printed_numbers({"cells": None}), "nb must be"),
    (lambda: prose_numbers.is_printed("about", ["0.5"]), "number must be"),
    (lambda: prose_numbers.is_printed("0.5", "0.5"), "printed must be"),
    (lambda: prose_numbers.is_printed("0.5", ["0.5 s"]), "printed must be"),
    (lambda: prose_numbers.is_printed("0.5", [], settings=[0.5]), "settings must be"),
    (lambda: prose_numbers.read_page("README.txt"), "path must be"),
    (lambda: prose_numbers.check_book("no/such/folder"), "root must be"),
])
def test_bad_inputs_raise_one_clear_error_naming_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_every_decimal_in_the_prose_is_printed_by_a_checked_cell(path):
    count, missing = prose_numbers.check(prose_numbers.read_page(path))
    lines = "\n".join(f"  {number}  in: {context}" for number, context in missing)
    assert missing == [], (
        f"{path.name}: {len(missing)} of {count} decimal numbers in the prose are not printed by a checked cell "
        f"(tag {notebooks.TAG}). Print each in a checked cell next to its sentence, write a setting as "
        f"name = value in a code cell, or cite the paper it comes from:\n{lines}")
