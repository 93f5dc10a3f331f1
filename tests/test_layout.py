"""The package's layout shows the book: one chapter module per notebook, named after it, imported by it; one
test file per module; the layers and the absence of import cycles are checked by lint-imports (make test)."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
PKG = ROOT / "lstm_helpers"
SCRATCH = "06b_lstm_from_scratch"        # the one chapter that defines its functions on the page
SYSTEM_TESTS = {"test_site", "test_lab", "test_layout", "test_readme"}   # the website, JupyterLab, layout, README


def chapters():
    return sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))


def code(nb):
    cells = json.loads((ROOT / "book" / f"{nb}.ipynb").read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_every_chapter_has_its_module_named_after_it_and_imports_it():
    modules = {p.stem for p in (PKG / "chapters").glob("ch*.py")}
    for nb in chapters():
        if nb == SCRATCH:
            continue
        assert f"ch{nb}" in modules, f"book/{nb}.ipynb has no lstm_helpers/chapters/ch{nb}.py"
        assert re.search(rf"from lstm_helpers\.chapters import [^\n]*\bch{nb}\b", code(nb)), \
            f"book/{nb}.ipynb does not import its module ch{nb}"
    assert modules == {f"ch{nb}" for nb in chapters() if nb != SCRATCH}     # and no module without a chapter


def test_every_module_has_its_test_file_and_every_test_file_its_module():
    modules = {p.stem for p in PKG.rglob("*.py") if p.stem != "__init__"} | {p.stem for p in (ROOT / "tools").glob("*.py")}
    tests = {p.stem[len("test_"):] for p in (ROOT / "tests").glob("test_*.py") if p.stem not in SYSTEM_TESTS}
    untested = {m for m in modules if m not in tests} - {"execute_book", "lstm_site", "site_audit"}   # tested by test_site
    assert not untested, f"modules without a test file: {sorted(untested)}"
    assert tests <= modules, f"test files without a module: {sorted(tests - modules)}"


def test_the_engine_is_plain_numpy():
    for p in (PKG / "engine").glob("*.py"):
        imports = set(re.findall(r"^\s*(?:from|import) (\w+)", p.read_text(), re.M))
        assert imports <= {"__future__", "numpy", "dataclasses", "functools", "types", "lstm_helpers", "numbers"}, (p, imports)


def test_sub_packages_are_the_layers_of_the_readme():
    layers = {p.name for p in PKG.iterdir() if (p / "__init__.py").is_file()}
    assert layers == {"engine", "training", "experiments", "interop", "explorers", "figures", "chapters", "data"}
    readme = (ROOT / "README.md").read_text()
    for layer in layers - {"data"}:
        assert f"`lstm_helpers/{layer}/`" in readme, f"the README's layout table does not name lstm_helpers/{layer}/"
