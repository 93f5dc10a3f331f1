"""Every decimal number in a page's prose is printed by a checked cell of that page (a maintenance tool).

    python tools/prose_numbers.py book                 # every page: numbers checked, violations
    python tools/prose_numbers.py book/05_gates.ipynb  # one page

STYLE.md §7: a number in the prose is printed by a checked cell of the same page; a number from a
paper carries its citation. tests/test_prose_numbers.py runs this on every page in ``make test``.

Prose numbers
    Numbers written with a decimal point (0.56, 1.00, −0.4, 0.8 %) or in scientific form (2.4e-16,
    2.4 × 10⁻¹⁶, 10^-2) in a page's markdown: markdown cells, the body of directives such as
    ``:::{dropdown}``, tables and lists. Integers (gap 50, 2,000 batches) are not checked.
    Skipped: code (inline, fenced, code cells), URLs, HTML tags, roles such as {doc}, every sentence
    that contains a {cite} role, and math that is a formula ($\\sigma(1) \\approx 0.73$, $f = 0.9$).
    Math that is only a number or a list of numbers ($0.366$, $2.4 \\times 10^{-21}$, $10^{-2}$) is
    a number typeset as math, and is checked like prose.
Matching rule
    A prose number is printed when some number in the stored output of a checked cell (tag
    ``nbval-check-output``) equals it rounded to the digits the prose shows: |output − prose| is at
    most half a unit of the prose's last digit (0.56 is printed by 0.5612 or 0.56, 1.00 by 0.998 or
    1.0, 2.4e-16 by 2.371e-16). A bare power of ten (10⁻¹⁶, 1e-16) is an order of magnitude: it is printed
    by an output written in scientific notation with that exponent (1.0e-16 ... 9.9e-16), or by an
    output of exactly that value (1e-16, 0.01 for 10⁻²). Signs count ("−" is "-"); "%" and units are
    ignored, so "0.8 %" needs an output 0.8. A setting may instead be written in a code cell of the
    page as ``name = value`` / ``name=value`` with exactly that value ("a learning rate of 0.05" and
    ``lr=0.05``).
"""
from __future__ import annotations

import os
import pathlib
import re
import sys
from decimal import Decimal
from typing import NamedTuple

import notebooks

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺−", "0123456789-+-")
_NUMBER = re.compile(r"""
    (?<![\w.])                                              # not inside a word or a longer number
    (?P<sign>[-+−])?
    (?: 10(?:\^\{?(?P<p1>[-+−]?\d+)\}?|(?P<p2>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))  # a bare power of ten
      | (?P<mant>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?)                 # 0.56, 1. (numpy), 74,000
        (?: [eE](?P<e1>[-+−]?\d+)
          | \s?[×x·]\s?10(?:\^\{?(?P<e2>[-+−]?\d+)\}?|(?P<e3>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)) )?
    )
    (?!\.?\d)                                               # 6.18.44 is a version, not a number
""", re.VERBOSE)
_SETTING = re.compile(r"(?<![\w.])[A-Za-z_]\w*\s*(?<![=!<>])=(?!=)\s*"
                      r"(?P<num>[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?![\w.])")
_SPAN = re.compile(r"""
    (?P<comment><!--.*?-->)
  | \{(?P<role>[\w:+.-]+)\}(?P<rt>`+)(?P<rbody>.*?)(?P=rt)       # {cite}`key`, {math}`x`, {doc}`page`
  | (?P<ct>`+).+?(?P=ct)                                          # inline code
  | \$\$(?P<dmath>.+?)\$\$
  | (?<!\\)\$(?P<imath>[^$]+?)(?<!\\)\$
  | https?://\S+ | www\.\S+ | </?[A-Za-z][^<>\n]*> | \\[$`]        # URLs, HTML tags, escapes
""", re.VERBOSE | re.DOTALL)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")      # keep a link's text only
_FENCE = re.compile(r"^\s*(?P<mark>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
_DIRECTIVE = re.compile(r"\{(?P<name>[\w:-]+)\}\s*(?P<title>.*)")
_CODE_DIRECTIVES = {"code-cell", "code-block", "code", "sourcecode", "literalinclude", "raw", "bibliography",
                    "toctree", "tableofcontents", "mermaid", "graphviz", "eval-rst", "ipython"}
_OPTION = re.compile(r"^\s*:[\w-]+:(\s|$)")
_NEW_BLOCK = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|\|)")
_DROP_LINE = re.compile(r"^\s*(?:\(.+\)=|\[[^\]]+\]:\s)")                   # (label)=, [ref]: url
_SENTENCE_END = re.compile("[.!?][\"'”’)*_]*\\s+(?=[A-Z\"“‘'(*_\\[\U000F0000-\U000FFFFD])")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "cf.", "vs.", "Fig.", "Eq.", "resp.", "approx.")
_PLACEHOLDER = 0xF0000                      # spans become one private-use character each
_TEX = ((r"\times", "×"), (r"\cdot", "·"), (r"\%", "%"), (r"\,", " "), (r"\;", " "), (r"\!", ""),
        ("~", " "), ("{", ""), ("}", ""))


class ProseNumber(NamedTuple):
    """A decimal number of a page's prose: as written, and the sentence it is in."""
    text: str
    context: str


class _Number(NamedTuple):
    value: Decimal
    unit: Decimal          # one unit of the last digit written: 0.01 for "0.56", 1e-17 for "2.4e-16"
    magnitude: bool        # a bare power of ten: only the exponent is stated
    decimal: bool          # written with a decimal point or a negative exponent
    scientific: bool       # written with an exponent: 2.4e-16, 2.4 × 10⁻¹⁶, 10^-2


def _parse(m):
    sign = -1 if m["sign"] in ("-", "−") else 1
    power = m["p1"] or m["p2"]
    mant = "1" if power else m["mant"].replace(",", "")
    exp_text = power or m["e1"] or m["e2"] or m["e3"]
    exp = int(exp_text.translate(_SUPERSCRIPTS)) if exp_text else 0
    decimals = len(mant.partition(".")[2])
    return _Number(sign * Decimal(mant).scaleb(exp), Decimal(1).scaleb(exp - decimals),
                   bool(exp_text) and mant == "1", decimals > 0 or exp < 0, bool(exp_text))


def _parse_text(name, text):
    m = _NUMBER.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"{name} must be one number written as text, such as '0.56', '−0.4', '2.4e-16' "
                         f"or '2.4 × 10⁻¹⁶'; got {text!r}")
    return _parse(m)


def _matches(prose, out):
    """The matching rule (module docstring) for a prose _Number and an output _Number."""
    if prose.magnitude:
        same_exponent = out.scientific and out.value != 0 and out.value.adjusted() == prose.value.adjusted()
        return out.value == prose.value or (same_exponent and (out.value < 0) == (prose.value < 0))
    return 2 * abs(out.value - prose.value) <= prose.unit


def _require_notebook(nb):
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"nb must be an nbformat notebook (a dict with a 'cells' list); got {type(nb).__name__}")


def _text(source):
    return source if isinstance(source, str) else "".join(source)


def _split_fences(markdown):
    """(prose, code-cell bodies): fenced code dropped, directive bodies kept as prose, {math} as $$...$$."""
    prose, cells, stack = [], [], []                       # stack: [mark, kind, body lines]
    for line in markdown.splitlines():
        m = _FENCE.match(line)
        top = stack[-1] if stack else None
        if top and m and m["mark"][0] == top[0][0] and len(m["mark"]) >= len(top[0]) and not m["info"]:
            stack.pop()
            if top[1] == "code-cell":
                cells.append("\n".join(top[2]))
            elif top[1] == "math":
                prose.append("$$" + "\n".join(top[2]) + "$$")
            prose.append("")
        elif top and top[1] != "prose":
            top[2].append(line)
        elif m:
            d = _DIRECTIVE.match(m["info"])             # ``` and ```python are code; :::{note} is prose
            name = d["name"] if d else None
            kind = (name if name in ("math", "code-cell") else
                    "prose" if d and name not in _CODE_DIRECTIVES else "code")
            stack.append([m["mark"], kind, []])
            prose += ["", d["title"] if kind == "prose" else ""]
        elif not (stack and _OPTION.match(line)):
            prose.append(line)
    return "\n".join(prose), cells


def _bare_math(body):
    """The number matches of a math span that is only numbers ($0.366$, $2.4 \\times 10^{-21}$), else []."""
    for tex, plain in _TEX:
        body = body.replace(tex, plain)
    found = list(_NUMBER.finditer(body))
    return found if found and re.fullmatch(r"[\s,%]*", _NUMBER.sub("", body)) else []


def _protect(text):
    """Text with every code, math, role, URL and tag span replaced by one private-use character."""
    spans = []

    def hide(m):
        role = m["role"] or ""
        math = role == "math" or m["dmath"] is not None or m["imath"] is not None
        kind = "cite" if role.startswith("cite") else "math" if math else "skip"
        spans.append((kind, " ".join(m[0].split()), m["rbody"] or m["dmath"] or m["imath"] or ""))
        return chr(_PLACEHOLDER + len(spans) - 1)

    return _SPAN.sub(hide, _LINK.sub(r"\1", text)), spans


def _blocks(text):
    """Paragraphs, list items, headings and table rows, each as one line of text."""
    blocks, block = [], []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:>\s?)+", "", line)
        if not line.strip() or _DROP_LINE.match(line) or _NEW_BLOCK.match(line):
            blocks.append(" ".join(block))
            block = [] if not line.strip() or _DROP_LINE.match(line) else [line]
        else:
            block.append(line)
    return [b for b in blocks + [" ".join(block)] if b.strip()]


def _sentences(block):
    found, start = [], 0
    for m in _SENTENCE_END.finditer(block):
        if not block[start:m.end()].rstrip().endswith(_ABBREVIATIONS):
            found.append(block[start:m.end()])
            start = m.end()
    return found + [block[start:]]


def _shorten(text, at, width=160):
    if len(text) <= width:
        return text
    lo = max(0, min(at - width // 2, len(text) - width))
    return ("…" if lo else "") + text[lo:lo + width].strip() + ("…" if lo + width < len(text) else "")


def _sentence_numbers(sentence, spans):
    """ProseNumbers of one sentence; none when it cites a paper."""
    pieces = re.split("([\U000F0000-\U000FFFFD])", " ".join(sentence.split()))
    hidden = [spans[ord(p) - _PLACEHOLDER] for p in pieces if len(p) == 1 and ord(p) >= _PLACEHOLDER]
    if any(kind == "cite" for kind, _, _ in hidden):
        return []
    text, found = "", []
    for piece in pieces:
        if len(piece) == 1 and ord(piece) >= _PLACEHOLDER:
            kind, original, body = spans[ord(piece) - _PLACEHOLDER]
            found += [(m[0], len(text)) for m in (_bare_math(body) if kind == "math" else [])]
            text += original
        else:
            found += [(m[0], len(text) + m.start()) for m in _NUMBER.finditer(piece)]
            text += piece
    return [ProseNumber(" ".join(number.split()), _shorten(text.strip(), at)) for number, at in found
            if _parse_text("number", number).decimal]


def read_page(path):
    """A page of the book as an nbformat notebook: a .ipynb as stored; a MyST .md as one markdown cell
    (front matter removed) followed by its {code-cell} blocks as code cells without outputs."""
    import nbformat

    if not isinstance(path, (str, os.PathLike)) or pathlib.Path(path).suffix not in (".ipynb", ".md") \
            or not pathlib.Path(path).is_file():
        raise ValueError(f"path must be an existing .ipynb or .md page of the book; got {path!r}")
    path = pathlib.Path(path)
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    text = re.sub(r"\A---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    cells = [nbformat.v4.new_markdown_cell(text)]
    return nbformat.v4.new_notebook(cells=cells + [nbformat.v4.new_code_cell(c) for c in _split_fences(text)[1]])


def prose_numbers(nb):
    """Every decimal number in the prose of a notebook (nbformat dict), in order, as ProseNumber(text,
    context); math formulas, code, URLs and sentences with a {cite} role are skipped (module docstring)."""
    _require_notebook(nb)
    found = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            text, spans = _protect(_split_fences(_text(cell.get("source", "")))[0])
            for block in _blocks(text):
                for sentence in _sentences(block):
                    found += _sentence_numbers(sentence, spans)
    return found


def printed_numbers(nb):
    """Every number token (as text) in the stored outputs of the notebook's checked cells: stream text
    and ``text/plain`` data."""
    _require_notebook(nb)
    texts = [_text(out.get("text", "")) if out.get("output_type") == "stream"
             else _text(out.get("data", {}).get("text/plain", ""))
             for cell in nb["cells"] if notebooks.is_checked(cell) for out in cell.get("outputs", [])]
    return [m[0] for text in texts for m in _NUMBER.finditer(text)]


def setting_numbers(nb):
    """Numbers written as settings (``name = value`` or ``name=value``) in the notebook's code cells."""
    _require_notebook(nb)
    return [m["num"] for cell in nb["cells"] if cell.get("cell_type") == "code"
            for m in _SETTING.finditer(_text(cell.get("source", "")))]


def is_printed(number, printed, settings=()):
    """True when the prose number (text) is printed by one of ``printed`` (output numbers, as text) under
    the matching rule, or equals one of ``settings`` (numbers written as settings in code) exactly."""
    prose = _parse_text("number", number)
    for name, values in (("printed", printed), ("settings", settings)):
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"{name} must be a list of numbers written as text; got {values!r}")
    return (any(_matches(prose, _parse_text("printed", p)) for p in printed)
            or any(_parse_text("settings", s).value == prose.value for s in settings))


def check(nb):
    """(how many prose numbers were checked, [(number, context) not printed by a checked cell])."""
    found = prose_numbers(nb)
    outputs = [_parse_text("printed", p) for p in printed_numbers(nb)]
    settings = [_parse_text("settings", s).value for s in setting_numbers(nb)]
    missing = []
    for p in found:
        prose = _parse_text("number", p.text)
        if not any(_matches(prose, out) for out in outputs) and prose.value not in settings:
            missing.append((p.text, p.context))
    return len(found), missing


def check_book(root):
    """{page file name: check(page)} for a page or for every .ipynb and .md page in the folder ``root``."""
    if not isinstance(root, (str, os.PathLike)) or not pathlib.Path(root).exists():
        raise ValueError(f"root must be the book's folder or one page of it; got {root!r}")
    root = pathlib.Path(root)
    pages = [root] if root.is_file() else sorted(root.glob("*.ipynb")) + sorted(root.glob("*.md"))
    return {page.name: check(read_page(page)) for page in pages}


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    bad = 0
    for page, (count, missing) in check_book(argv[0]).items():
        print(f"{page}: {count} prose numbers checked, {len(missing)} not printed by a checked cell")
        for number, context in missing:
            print(f"    {number:>14}  {context}")
        bad += len(missing)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
