"""The built website as readers meet it, in a real browser (headless Chromium from Debian, driven by Playwright).

Run after the book is built (`make test` does both). Every page, on a laptop (1280×900) and a phone (390×844):
- no console error, failed request or uncaught JavaScript error, in the light and the dark theme (nothing tolerated);
- no serious or critical axe-core violation, in both themes (no allow-list);
- nothing cut off: no code block, output, table or display equation wider than its box; on a phone only a wide
  table may scroll, inside a container that shows it scrolls;
- sharp figures: a raster figure has at least 1.5 image pixels per CSS pixel it is shown at (or is SVG), and on a
  laptop it is shown at no less than 75 % of the size it was drawn for (so its 10 pt text stays above ~10 px);
- no test plumbing ("NBVAL") in the text; HTML of at most 300 KB, with no saved widget state;
- a meta description, alt text on every image, links that resolve.
Plus every slider of every explorer against the Python helper, explorers that fit a phone and follow the theme,
figures that are not dimmed in the dark theme, search, previous/next links, the repository button and the
download archive.

A failure lists every offending element with the start of its text, so a chapter owner can find it.
`tools/site_audit.py` prints the same measurements as a table (and runs Lighthouse).
"""
import functools
import html as html_lib
import http.server
import importlib
import io
import json
import os
import pathlib
import re
import shutil
import threading
import zipfile

import numpy as np
import pytest
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = pathlib.Path(os.environ.get("LSTM_SITE", ROOT / "_build" / "html"))   # another built copy: LSTM_SITE=...
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "google-chrome"))), "/usr/bin/chromium")  # Debian; GitHub runners
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
THEMES = ("light", "dark")        # light: a first visit (the theme's "auto" mode, light in headless Chromium)
MAX_HTML_BYTES = 300 * 1024
MIN_PIXELS_PER_CSS_PX = 1.5
MIN_SHOWN_FRACTION = 0.75         # of the width a figure was drawn for (laptop only)
MIN_CHART_TEXT_PX = 10
ARCHIVE = "lstm-book.zip"         # the whole book to run locally, built with the site (tools/lstm_site.py)

pytestmark = pytest.mark.browser
if not (SITE / "index.html").is_file():
    pytest.skip("the website is not built: run `make build` (make test does)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


def chapter_pages():
    toc = (ROOT / "_toc.yml").read_text()
    return [f"{m}.html" for m in re.findall(r"file: (book/\S+)", toc) + re.findall(r"root: (book/\S+)", toc)]


PAGES = chapter_pages()

# -- what the browser measures ---------------------------------------------------------------------------------
# Waits until MathJax has typeset the page, fonts are loaded and every image (lazy ones too) is decoded.
SETTLE = """async () => {
  document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; });   // measure every figure
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""

# Every block in the article that is wider than its box. Closed dropdowns are opened first (their content is
# measured too). A block is cut off when its content overflows it (scrollWidth > clientWidth) or when it sticks
# out of the article's column. Returns the innermost such blocks with their kind and the start of their text.
CUT_OFF = """async () => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  // dropdowns fade in: measure (and let axe check colours) once they are fully drawn
  await Promise.all(document.getAnimations().filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
                                            .map(a => a.finished.catch(() => null)));
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const right = article.getBoundingClientRect().right;
  const selector = 'div.highlight pre, table, mjx-container[display="true"], div.math, img, figure, svg, ' +
                   '.lstm-explorer, div.cell_output > div.output, .lstm-run-locally';
  const tex = el => {
    try { return MathJax.startup.document.getMathItemsWithin(el)[0].math; } catch (e) { return el.textContent; }
  };
  const kindOf = el => {
    if (el.matches('table')) return 'table';
    if (el.matches('mjx-container, div.math')) return 'equation';
    if (el.matches('img, figure, svg, .lstm-explorer')) return 'figure';
    if (el.closest('div.cell_output')) return 'output';
    return 'code';
  };
  const scroller = el => {
    for (let p = el.parentElement; p && p !== article; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && p.scrollWidth > p.clientWidth + 1) return p;
    }
    return null;
  };
  const found = [];
  for (const el of article.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (el.closest('mjx-container') && !el.matches('mjx-container')) continue;   // MathJax internals
    const inner = el.matches('svg, img') ? 0 : el.scrollWidth - el.clientWidth;
    const over = Math.max(inner, r.right - right);
    if (over <= 1) continue;
    const kind = kindOf(el);
    const box = el.matches('table') ? scroller(el) : null;
    const label = el.innerText || el.getAttribute('alt') || el.getAttribute('aria-label') || '';
    const text = (kind === 'equation' ? tex(el) : label).replace(/\\s+/g, ' ').trim().slice(0, 70);
    // for code and text output: the longest line (what to shorten) and its length in characters
    const longest = el.matches('pre') ? label.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '') : '';
    found.push({el, kind, text, px: Math.round(over), line: longest.trim().slice(0, 70), chars: longest.length,
                scrolls: !!box, cue: !!box && box.classList.contains('lstm-scroll-cue')});
  }
  // one entry per problem: the innermost block that is too wide (a code line, not the output around it)
  return found.filter(f => !found.some(g => g !== f && f.el.contains(g.el))).map(({el, ...rest}) => rest);
}"""

# Raster figures: image pixels per CSS pixel shown, and the fraction of their drawn size they are shown at.
FIGURES = """() => [...document.querySelectorAll('article img')].filter(i => i.getBoundingClientRect().width > 0)
  .map(i => {
  const shown = i.getBoundingClientRect().width, src = i.currentSrc || i.src;
  const drawn = parseFloat(i.getAttribute('width')) || parseFloat(i.style.width) || i.naturalWidth;
  return {src: src.split('/').pop().slice(0, 20), alt: (i.alt || '').slice(0, 60),
          svg: /\\.svg($|[?#])|^data:image\\/svg/.test(src),
          natural: i.naturalWidth, shown: Math.round(shown), ratio: i.naturalWidth / shown, fraction: shown / drawn,
          filter: getComputedStyle(i).filter};
})"""

EXPLORERS = """() => [...document.querySelectorAll('.lstm-explorer')].map(root => {
  const svg = root.querySelector('svg.lstm-explorer-svg'), vb = svg.viewBox.baseVal;
  const scale = svg.getBoundingClientRect().width / vb.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const rows = [...root.querySelectorAll('.lstm-explorer-row')].map(row => {
    const box = el => {
      const r = row.querySelector(el).getBoundingClientRect();
      return {left: r.left, right: r.right, width: r.width};
    };
    return {label: box('label'), input: box('input'), output: box('output')};
  });
  const css = getComputedStyle(root), box = svg.getBoundingClientRect();
  const outside = [...svg.querySelectorAll('text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
  }).map(t => t.textContent.slice(0, 40));
  return {title: root.getAttribute('aria-label'), minText: Math.min(...sizes), rows, width: innerWidth, outside,
          color: css.color, background: css.backgroundColor,
          ink: getComputedStyle(svg.querySelector('text')).fill};
})"""

AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120))}))"""


@pytest.fixture(scope="module")
def server():
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def open_page(browser, url, view="laptop", theme=None):
    """A fresh browser context (no stored theme unless ``theme``) at the ``view`` size; returns (page, problems).

    ``problems`` collects console errors, uncaught exceptions, failed requests and HTTP errors as they happen;
    ``page.transferred`` the bytes of every response body."""
    context = browser.new_context(viewport=VIEWS[view], device_scale_factor=1)
    if theme:
        context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
    page = context.new_page()
    problems, sizes = [], {}
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def finished(request):
        try:
            sizes[request.url] = (request.resource_type, request.sizes()["responseBodySize"])
        except Exception:       # the page closed first
            pass

    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    page.evaluate(SETTLE)
    page.transferred = sizes
    return page, problems


def close(page):
    context = page.context
    page.close()
    context.close()


def audit_page(browser, base, name, view, theme, axe=True):
    """Everything measured on one page in one view and theme (what the tests assert and tools/site_audit.py prints)."""
    page, problems = open_page(browser, f"{base}/{name}", view, theme if theme != "light" else None)
    try:
        result = {"text": page.inner_text("body"), "figures": page.evaluate(FIGURES),
                  "explorers": page.evaluate(EXPLORERS),
                  "description": page.eval_on_selector_all("meta[name=description]", "m => m.map(e => e.content)"),
                  # no alt text, or Sphinx's stand-in for it: the image's own path
                  "missing_alt": page.eval_on_selector_all(
                      "img", "els => els.filter(e => { const a = (e.getAttribute('alt') || '').trim();"
                             " return !a || a.includes('_images/') || e.src.endsWith(a); }).map(e => e.src.slice(-40))")}
        result["cut_off"] = page.evaluate(CUT_OFF)           # opens every dropdown first
        if axe:
            page.add_script_tag(path=str(AXE))
            result["axe"] = page.evaluate(AXE_RUN)
        page.wait_for_timeout(100)
        result["problems"] = list(problems)
        result["transferred"] = dict(page.transferred)
    finally:
        close(page)
    return result


# One audit per (page, view, theme) for the worker's whole session: under pytest-xdist other modules' tests can run
# between this module's, and the module's fixtures are then set up again -- the audits need not be made again.
_AUDITS = {}


@pytest.fixture(scope="module")
def audit(browser, server):
    if not AXE.is_file():
        pytest.fail("axe-core is missing: npm ci (make test runs it)")

    def get(name, view="laptop", theme="light"):
        key = (name, view, theme)
        if key not in _AUDITS:
            _AUDITS[key] = audit_page(browser, server, name, view, theme)
        return _AUDITS[key]

    return get


def cut_off_blocks(found, view):
    """The blocks that count as cut off: all of them on a laptop; on a phone all but tables that scroll visibly."""
    return [f for f in found if not (view == "phone" and f["kind"] == "table" and f["scrolls"] and f["cue"])]


# -- every page, every view, both themes ----------------------------------------------------------------------
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", PAGES)
def test_no_console_errors(audit, name, view, theme):
    assert audit(name, view, theme)["problems"] == []


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(audit, name, view, theme):
    assert audit(name, view, theme)["axe"] == []


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_cut_off(audit, name, view):
    blocks = cut_off_blocks(audit(name, view)["cut_off"], view)
    assert blocks == [], "\n".join(f"{name} @ {VIEWS[view]['width']} px: {b['kind']} {b['px']} px too wide: "
                                   f"{b['text']!r}" + (f", longest line ({b['chars']} characters): {b['line']!r}"
                                                       if b["line"] else "") for b in blocks)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", PAGES)
def test_figures_are_sharp(audit, name, view):
    blurry = [f for f in audit(name, view)["figures"] if not f["svg"] and f["ratio"] < MIN_PIXELS_PER_CSS_PX]
    assert blurry == [], blurry


@pytest.mark.parametrize("name", PAGES)
def test_figures_are_shown_at_the_size_they_were_drawn_for(audit, name):
    shrunk = [f for f in audit(name, "laptop")["figures"] if f["fraction"] < MIN_SHOWN_FRACTION]
    assert shrunk == [], "\n".join(f"{name}: figure shown at {f['fraction']:.0%} of its size: {f['alt']!r}"
                                   for f in shrunk)


@pytest.mark.parametrize("name", PAGES)
def test_images_have_alt_text_and_the_page_a_description(audit, name):
    result = audit(name)
    assert result["missing_alt"] == []
    assert len(result["description"]) == 1 and len(result["description"][0]) >= 50, result["description"]


@pytest.mark.parametrize("name", PAGES)
def test_no_test_plumbing_on_the_page(audit, name):
    text = audit(name)["text"]
    assert not re.search(r"nbval", text, re.I), re.search(r".{0,60}nbval.{0,60}", text, re.I | re.S).group(0)


# What a page shows when a result is missing: an install hint, an error, a traceback.
MISSING = re.compile(r"is not installed|pip install|No module named|Traceback|\w+Error:|it/s\]")   # ... or a progress bar


def checked_lines(notebook):
    """The text lines every checked cell of a notebook prints (its stored output, which nbval compares)."""
    cells = json.loads(notebook.read_text())["cells"]
    out = []
    for c in cells:
        if "nbval-check-output" in c.get("metadata", {}).get("tags", []):
            for o in c.get("outputs", []):
                out += [line.strip() for line in "".join(o.get("text", "")).splitlines() if line.strip()]
    return out


@pytest.mark.parametrize("name", PAGES)
def test_every_result_is_on_the_page_and_no_install_hint(name):
    html = (SITE / name).read_text()
    outputs = re.findall(r'<div class="cell_output docutils container">(.*?)</div>\s*</div>', html, re.S)
    bad = [re.sub(r"<[^>]+>", "", o).strip()[:120] for o in outputs if MISSING.search(re.sub(r"<[^>]+>", "", o))]
    assert bad == [], f"{name}: {bad}"
    notebook = ROOT / name.replace(".html", ".ipynb")
    if notebook.is_file():                      # every line a checked cell prints is on the built page
        text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", html)).split())
        missing = [line for line in checked_lines(notebook) if " ".join(line.split()) not in text]
        assert missing == [], f"{name}: checked output not on the page: {missing[:3]}"


@pytest.mark.parametrize("name", PAGES)
def test_page_html_is_light(name):
    html = (SITE / name).read_text()
    assert len(html.encode()) <= MAX_HTML_BYTES, f"{name}: {len(html.encode()) / 1024:.0f} KB of HTML"
    assert "application/vnd.jupyter.widget" not in html                  # no widget state or views (progress bars)
    explorers = html.count('class="lstm-explorer"')
    assert html.count('"grid_size":') == explorers                       # each explorer's data once ...
    assert "data:image/png;base64" not in html                           # ... and no fallback picture of it


@pytest.mark.parametrize("name", PAGES)
def test_internal_links_resolve(name):
    html = (SITE / name).read_text()
    base = (SITE / name).parent
    bad = []
    for href in re.findall(r'href="([^"#?]+)(?:[#?][^"]*)?"', html):
        if re.match(r"^[a-z]+:", href) or href.startswith("//"):
            continue
        if not (base / href).resolve().exists():
            bad.append(href)
    assert bad == []


# -- explorers -----------------------------------------------------------------------------------------------
def explorer_pages():
    return [n for n in PAGES if 'class="lstm-explorer"' in (SITE / n).read_text()]


def shown_text(label):
    """A label as the viewer shows it: "C_T", "h_{t-1}", "f^k" with real sub/superscripts (innerText drops _ ^ {})."""
    return re.sub(r"[_^](\{[^}]*\}|[A-Za-z0-9]+)", lambda m: m.group(1).strip("{}"), label)


@pytest.mark.parametrize("name", explorer_pages())
def test_every_slider_moves_the_figure_to_the_python_values(browser, server, name):
    page, _ = open_page(browser, f"{server}/{name}")
    roots = page.locator(".lstm-explorer")
    for r in range(roots.count()):
        root = roots.nth(r)
        module, func = root.get_attribute("data-source").split(":")
        compute = getattr(importlib.import_module(module), func)
        spec = json.loads(root.locator("script[type='application/json']").inner_text())
        sliders = root.locator("input[type=range]")
        assert sliders.count() == len(spec["sliders"])
        for k, sl in enumerate(spec["sliders"]):
            for index in (0, len(sl["values"]) - 1, len(sl["values"]) // 2):
                sliders.nth(k).fill(str(index))
                values = {s["name"]: s["values"][int(sliders.nth(j).input_value())] for j, s in enumerate(spec["sliders"])}
                expected = compute(**values)
                text = root.locator(".lstm-explorer-readout").inner_text()
                want = shown_text(" · ".join(f"{ro['label']} = {ro['fmt'].format(float(expected[ro['key']]))}"
                                             for ro in spec["readouts"]))
                assert text.replace("-0.000", "0.000") == want.replace("-0.000", "0.000"), (values, text, want)
                for path in root.locator("path[data-series]").all():
                    key = path.get_attribute("data-series")
                    shown = np.array([np.nan if v == "nan" else float(v) for v in path.get_attribute("data-values").split(",")])
                    truth = np.asarray(expected[key], dtype=float)
                    packed = spec["data"][key]
                    # arrays travel as 16-bit steps of their range over the whole grid: half a step
                    step = (packed["hi"] - packed["lo"]) / 65534 if "b64" in packed else 0.0
                    np.testing.assert_allclose(shown, truth, atol=0.51 * step + 1e-12, rtol=1e-5,
                                               err_msg=f"{key} at {values}")
    close(page)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", explorer_pages())
def test_explorers_fit_the_screen_with_legible_charts(audit, name, view):
    for ex in audit(name, view)["explorers"]:
        assert ex["minText"] >= MIN_CHART_TEXT_PX, f"{ex['title']}: chart text {ex['minText']:.1f} px"
        assert ex["outside"] == [], f"{ex['title']}: chart text cut off at the edge: {ex['outside']}"
        for row in ex["rows"]:
            for part in ("label", "input", "output"):
                assert 0 <= row[part]["left"] and row[part]["right"] <= ex["width"], (ex["title"], part, row)
            assert row["input"]["width"] >= 150, (ex["title"], row)       # a slider track a thumb can travel


def _luminance(css):
    r, g, b = (float(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("theme", THEMES)
def test_explorer_follows_the_theme(browser, server, theme):
    pages = explorer_pages()
    if not pages:
        pytest.skip("no explorer page")
    page, _ = open_page(browser, f"{server}/{pages[0]}", theme=theme if theme != "light" else None)
    page_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    ex = page.evaluate(EXPLORERS)[0]
    assert ex["background"] in ("rgba(0, 0, 0, 0)", page_bg), "no card of its own: the explorer sits on the page"
    assert _contrast(ex["ink"], page_bg) >= 4.5, (ex["ink"], page_bg)    # chart text and axes readable
    assert _contrast(ex["color"], page_bg) >= 4.5, (ex["color"], page_bg)
    shot = page.locator(".lstm-explorer").first.screenshot()
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=float)
    assert pixels.std() > 20, f"{theme}: the explorer looks blank"
    assert (np.median(pixels) > 128) == (theme == "light"), f"{theme}: the explorer should have the page's background"
    close(page)


def test_figures_are_not_dimmed_in_the_dark_theme(browser, server):
    name = next(n for n in PAGES if "cell_output" in (SITE / n).read_text() and "<img" in (SITE / n).read_text())
    page, _ = open_page(browser, f"{server}/{name}", theme="dark")
    figures = page.evaluate(FIGURES)
    assert figures and all(f["filter"] == "none" for f in figures), figures
    close(page)


# -- site features -------------------------------------------------------------------------------------------
def test_search_finds_forget(browser, server):
    page, _ = open_page(browser, f"{server}/search.html?q=forget")
    page.wait_for_selector("#search-results li", timeout=15000)
    assert page.locator("#search-results li").count() > 0
    close(page)


def test_chapters_have_navigation_downloads_and_a_run_locally_line(browser, server):
    page, _ = open_page(browser, f"{server}/{PAGES[1]}")
    assert page.locator(".prev-next-area a.left-prev").count() == 1
    assert page.locator(".prev-next-area a.right-next").count() == 1
    assert page.locator(".bd-sidebar-primary a").count() >= len(PAGES) - 1
    assert page.locator(f"a[href$='{PAGES[1].replace('.html', '.ipynb')}']").count() >= 1   # download .ipynb
    assert page.locator("a.btn-source-repository-button[href^='https://github.com/']").count() == 1
    line = page.locator(".lstm-run-locally")
    assert line.count() == 1 and "make lab" in line.inner_text()                           # run-locally hint
    assert line.locator(f"a[href$='{ARCHIVE}']").count() == 1
    assert page.locator(".bd-header-announcement").count() == 0                            # no banner
    close(page)


def test_the_repository_is_configured_once_and_shown_where_readers_clone_it():
    url = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", (ROOT / "_config.yml").read_text(), re.M).group(1)
    for name in PAGES:
        html = (SITE / name).read_text()
        assert f'href="{url}"' in html, f"{name}: no repository button"
        if name.endswith("intro.html") or (ROOT / name.replace(".html", ".ipynb")).is_file():   # landing, chapters
            text = html_lib.unescape(re.sub(r"<[^>]+>", "", html))
            clones = [c.rstrip(",.;") for c in re.findall(r"git clone (\S+)", text)]
            assert clones and set(clones) == {url}, f"{name}: clone command {clones}, configured {url}"


def test_download_archive_runs_the_book():
    with zipfile.ZipFile(SITE / ARCHIVE) as z:
        names = set(z.namelist())
    assert {n.split("/")[0] for n in names} == {"lstm-book"}          # one folder
    for need in ("Makefile", "README.md", "requirements.txt", "constraints.txt", "pyproject.toml", "_config.yml",
                 "_toc.yml", "lstm_helpers/__init__.py", "lstm_helpers/explorers/viewer.js", "book/intro.md"):
        assert f"lstm-book/{need}" in names, need
    notebooks = {p.relative_to(ROOT).as_posix() for p in (ROOT / "book").glob("*.ipynb")}
    assert {f"lstm-book/{n}" for n in notebooks} <= names
    assert not any(re.search(r"(^|/)(\.venv|_build|node_modules|__pycache__|\.git)/", n) for n in names)
