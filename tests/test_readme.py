"""The README's plain-Python path is what make runs, word for word: every make test on a fresh clone tests it."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def plain_python_lines():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Without make"):]
    return [line.strip() for line in re.search(r"```bash\n(.*?)```", section, re.S).group(1).splitlines() if line.strip()]


def recipe_lines():
    return [line.strip() for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("\t")]


def test_every_plain_python_line_is_a_line_make_runs():
    lines = plain_python_lines()
    assert len(lines) == 4 and lines[0] == "python -m venv .venv"
    recipes = recipe_lines()
    for line in lines:
        as_make = re.sub(r"^python ", "$(PYTHON) ", line)              # the Python that creates the venv
        assert any(r == as_make or r.startswith(as_make + " ") for r in recipes), f"make never runs: {line}"


def test_the_venv_make_creates_is_the_one_the_lines_use():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^VENV\s*:=\s*\.venv$", makefile, re.M) and re.search(r"^PY\s*:=\s*\$\(VENV\)/bin/python$", makefile, re.M)
