"""Keep the book's notebooks clean in git (a maintenance tool, not a chapter).

    python tools/notebooks.py strip book      # drop outputs except checked cells
    python tools/notebooks.py refresh book    # execute, keep checked cells' outputs
    python tools/notebooks.py check book      # list notebooks that are not clean
    python tools/notebooks.py tag book        # turn # NBVAL_CHECK_OUTPUT comments into tags
    python tools/notebooks.py setup book      # give every chapter the first "run locally" cell
    python tools/notebooks.py refs book       # give every chapter that cites a paper its references cell

A code cell tagged ``nbval-check-output`` (nbval's cell tag; readers of the website never see it)
keeps its output: nbval compares it on every test run, so the numbers the text relies on are
re-checked. ``tag`` moves old ``# NBVAL_CHECK_OUTPUT`` comments into that tag. nbval only compares cells
that have an execution count, so a checked cell keeps one: its position among the code cells
(deterministic, so git diffs stay quiet). Every other output and execution count and any saved
widget state is removed.
"""
from __future__ import annotations

import pathlib
import sys

TAG = "nbval-check-output"
SETUP_TAG = "remove-cell"
# The first code cell of every chapter (hidden on the website): makes `import lstm_helpers` work in a clone of
# the book opened in any Jupyter, or says exactly what to do when the package is missing.
SETUP_CELL = """\
# Run locally: this chapter needs lstm_helpers, the package that comes with the book.
import importlib.util, pathlib, sys

if importlib.util.find_spec("lstm_helpers") is None:
    root = pathlib.Path.cwd().parent          # the book's folder, opened in another Jupyter
    if (root / "lstm_helpers").is_dir():
        sys.path.insert(0, str(root))
    else:
        raise ModuleNotFoundError(
            "This notebook needs lstm_helpers, which comes with the LSTM book. "
            "Download the whole book (lstm-book.zip, in the website's download "
            "menu) or clone its repository (the button at the top of every page), "
            "then run `make lab` in its folder.")"""
COMMENT = "NBVAL_CHECK_OUTPUT"
# The last cell of a chapter that cites papers: the references, author-year, for a reader in JupyterLab, where
# jupyterlab-myst cannot resolve {cite} (it shows the key with "Citation Not Found"). The website links every
# citation to its bibliography, so the cell is removed there (remove-cell).
BIB = pathlib.Path(__file__).resolve().parents[1] / "references.bib"
REFS_KEY = "lstm_references"
REFS_HEAD = "**References.** The citations on this page"


def is_checked(cell):
    """True for a code cell tagged ``nbval-check-output``."""
    return cell.get("cell_type") == "code" and TAG in cell.get("metadata", {}).get("tags", [])


def move_comment_to_tag(cell):
    """Replace a ``# NBVAL_CHECK_OUTPUT`` comment line by the cell tag; True if the cell changed."""
    source = "".join(cell.get("source", ""))
    lines = source.splitlines(keepends=True)
    kept = [ln for ln in lines if ln.strip().lstrip("#").strip() != COMMENT]
    if cell.get("cell_type") != "code" or len(kept) == len(lines):
        return False
    cell["source"] = "".join(kept).rstrip("\n")
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if TAG not in tags:
        tags.append(TAG)
    return True


def problems(nb):
    """What keeps a notebook (an nbformat dict) from being clean: a list of strings."""
    found = []
    if "widgets" in nb.get("metadata", {}):
        found.append("saved widget state in metadata")
    for k, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if COMMENT in "".join(cell.get("source", "")):
            found.append(f"cell {k}: '# {COMMENT}' comment shown to readers (use the cell tag '{TAG}')")
        if cell.get("execution_count") is not None and not is_checked(cell):
            found.append(f"cell {k}: execution count in an unchecked cell")
        if is_checked(cell) and cell.get("execution_count") is None:
            found.append(f"cell {k}: checked cell without an execution count (nbval would skip it)")
        if cell.get("outputs") and not is_checked(cell):
            found.append(f"cell {k}: outputs in an unchecked cell")
        if is_checked(cell) and not cell.get("outputs"):
            found.append(f"cell {k}: checked cell with no stored output")
        if len(merge_streams([dict(o) for o in cell.get("outputs", [])])) < len(cell.get("outputs", [])):
            found.append(f"cell {k}: printed text stored in pieces (make strip joins them)")
    return found


def first_code_cell(nb):
    """The first code cell of a notebook dict, or None."""
    return next((c for c in nb.get("cells", []) if c.get("cell_type") == "code"), None)


def add_setup_cell(nb):
    """Put SETUP_CELL first among the code cells (replacing an older copy); returns the notebook."""
    import nbformat

    cells = [c for c in nb["cells"] if not (c.get("cell_type") == "code"
                                              and "".join(c.get("source", "")).startswith("# Run locally:"))]
    k = next((i for i, c in enumerate(cells) if c.get("cell_type") == "code"), len(cells))
    cells.insert(k, nbformat.v4.new_code_cell(SETUP_CELL, metadata={"tags": [SETUP_TAG]}))
    nb["cells"] = cells
    return nb


def cited_keys(nb):
    """The bibliography keys a notebook cites with {cite}`a,b` in its markdown, in order of first use."""
    import re

    keys = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown" and not cell.get("metadata", {}).get(REFS_KEY):
            for group in re.findall(r"\{cite[:a-z]*\}`([^`]+)`", "".join(cell.get("source", ""))):
                keys += [k.strip() for k in group.split(",") if k.strip() not in keys]
    return list(dict.fromkeys(keys))


def _authors(entry):
    last = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in entry.persons.get("author", [])]
    if not last:
        return " ".join(entry.persons.get("editor", [])) or entry.fields.get("author", "").strip("{}")
    if len(last) > 3:
        return f"{last[0]} et al."
    return last[0] if len(last) == 1 else ", ".join(last[:-1]) + " & " + last[-1]


def references_text(keys, bib=BIB):
    """Markdown: one line per key, "Gers, Schmidhuber & Cummins (2000). *Learning to Forget…*" (author-year)."""
    from pybtex.database import parse_file

    entries = parse_file(str(bib)).entries
    missing = [k for k in keys if k not in entries]
    if missing:
        raise ValueError(f"keys must be in {bib.name}; missing: {missing}")
    lines = [f"{REFS_HEAD} (the website links them to its bibliography):", ""]
    for k in keys:
        e = entries[k]
        title = e.fields.get("title", "").replace("{", "").replace("}", "")
        lines.append(f"- `{k}`: {_authors(e)} ({e.fields.get('year', 'n.d.')}). *{title}*.")
    return "\n".join(lines)


def add_references_cell(nb, bib=BIB):
    """Replace the notebook's references cell (if any) by a current one at the end; none when nothing is cited."""
    import nbformat

    nb["cells"] = [c for c in nb["cells"] if not c.get("metadata", {}).get(REFS_KEY)]
    keys = cited_keys(nb)
    if keys:
        cell = nbformat.v4.new_markdown_cell(references_text(keys, bib), metadata={"tags": [SETUP_TAG], REFS_KEY: True})
        cell["id"] = "references"                      # a fixed id: rewriting the cell leaves git's diff quiet
        nb["cells"].append(cell)
    return nb


def merge_streams(outputs):
    """One output per run of printed text: a kernel may send a cell's stdout in several pieces, and how it splits
    them varies between runs (nbval joins them before comparing; the stored notebook should not vary either)."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def strip(nb):
    """Clean a notebook dict in place (see module docstring); returns it."""
    nb.get("metadata", {}).pop("widgets", None)
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for number, cell in enumerate(code, start=1):
        cell.get("metadata", {}).pop("execution", None)
        checked = is_checked(cell)
        cell["execution_count"] = number if checked else None
        if not checked:
            cell["outputs"] = []
        cell["outputs"] = merge_streams(cell["outputs"])
        for out in cell["outputs"]:
            if "execution_count" in out:
                out["execution_count"] = number
    return nb


def _notebooks(root):
    root = pathlib.Path(root)
    files = [root] if root.suffix == ".ipynb" else sorted(root.rglob("*.ipynb"))
    return [f for f in files if ".ipynb_checkpoints" not in f.parts and "_build" not in f.parts]


def main(argv):
    import nbformat

    if len(argv) != 2 or argv[0] not in ("strip", "refresh", "check", "tag", "setup", "refs"):
        print(__doc__)
        return 2
    command, root = argv
    bad = 0
    for path in _notebooks(root):
        nb = nbformat.read(path, as_version=4)
        if command == "check":
            current = [c for c in add_references_cell(nbformat.from_dict(nb))["cells"]
                       if c.get("metadata", {}).get(REFS_KEY)]
            had = [c for c in nb["cells"] if c.get("metadata", {}).get(REFS_KEY)]
            if ["".join(c["source"]) for c in current] != ["".join(c["source"]) for c in had]:
                print(f"{path}: references cell missing or out of date (python tools/notebooks.py refs book)")
                bad += 1
            for p in problems(nb):
                print(f"{path}: {p}")
                bad += 1
            continue
        if command == "setup":
            add_setup_cell(nb)
        if command == "refs":
            add_references_cell(nb)
        if command == "tag":
            if not any([move_comment_to_tag(c) for c in nb.cells]):
                continue
        if command == "refresh":
            from nbclient import NotebookClient

            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(strip(nb), path)
        print(f"{command}: {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
