"""The built website in a real browser (headless Chromium from Debian, driven by Playwright).

Run after the book is built (`make test` does both). Every chapter page: no JavaScript errors of
our own, alt text on every image, working sliders whose numbers equal what the Python helper
computes, resolving internal links, no serious/critical axe-core violations; plus search,
previous/next links and light/dark screenshots.
"""
import functools
import http.server
import importlib
import json
import pathlib
import re
import shutil
import threading

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The stock Jupyter Book 1 theme logs these itself; nothing broader is tolerated.
THEME_NOISE = (re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
               re.compile(r"^Got invalid theme mode: \. Resetting to auto\.$"))

# Stock markup, not ours: pydata-sphinx-theme's search button and theme switch carry an aria-label
# that does not contain their visible text (label-content-name-mismatch), and sphinxcontrib-bibtex
# marks the bibliography role="list" without role="listitem" children (aria-required-children), and the
# theme's sidebar toggle for a chapter with sections is an empty <summary> (summary-name).
THEME_AXE = (("label-content-name-mismatch", "search-button__button"),
             ("label-content-name-mismatch", "theme-switch-button"),
             ("aria-required-children", '<div role="list" class="citation-list">'),
             ("summary-name", " <summary>"))   # a bare <summary> tag: the theme's toggle, not our dropdowns

pytestmark = pytest.mark.browser
if not (SITE / "index.html").is_file():
    pytest.skip("the website is not built: run `make build` (make test does)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


def chapter_pages():
    toc = (ROOT / "_toc.yml").read_text()
    return [f"{m}.html" for m in re.findall(r"file: (book/\S+)", toc) + re.findall(r"root: (book/\S+)", toc)]


PAGES = chapter_pages()


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


@pytest.fixture(scope="module")
def browser():
    if not pathlib.Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (make test installs it)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return page, errors


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors_and_images_have_alt_text(browser, server, name):
    page, errors = open_page(browser, f"{server}/{name}")
    ours = [e for e in errors if not any(p.search(e) for p in THEME_NOISE)]
    assert ours == [], ours
    missing = page.eval_on_selector_all("img", "els => els.filter(e => !(e.getAttribute('alt') || '').trim())"
                                               ".map(e => e.getAttribute('src').slice(0, 60))")
    assert missing == [], missing
    page.close()


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


def explorer_pages():
    return [n for n in PAGES if 'class="lstm-explorer"' in (SITE / n).read_text()]


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
        times = []
        for k, sl in enumerate(spec["sliders"]):
            for index in (0, len(sl["values"]) - 1, len(sl["values"]) // 2):
                sliders.nth(k).fill(str(index))
                values = {s["name"]: s["values"][int(sliders.nth(j).input_value())] for j, s in enumerate(spec["sliders"])}
                expected = compute(**values)
                text = root.locator(".lstm-explorer-readout").inner_text()
                want = " · ".join(f"{ro['label']} = {ro['fmt'].format(float(expected[ro['key']]))}"
                                  for ro in spec["readouts"])
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
                times.append(float(root.get_attribute("data-update-ms")))
        assert np.median(times) <= 16.0, f"median slider update {np.median(times):.1f} ms"
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(browser, server, name):
    if not AXE.is_file():
        pytest.fail("axe-core is missing: npm install (make test runs it)")
    page, _ = open_page(browser, f"{server}/{name}")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                           ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.html)}))")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    for v in serious:   # the stock theme's own buttons (documented in THEME_AXE); not our markup
        v["nodes"] = [n for n in v["nodes"] if not any(v["id"] == rule and sel in n for rule, sel in THEME_AXE)]
    serious = [v for v in serious if v["nodes"]]
    assert serious == [], serious
    page.close()


def test_explorer_is_readable_in_light_and_dark_theme(browser, server, tmp_path):
    pages = explorer_pages()
    if not pages:
        pytest.skip("no explorer page")
    page, _ = open_page(browser, f"{server}/{pages[0]}")
    for theme in ("light", "dark"):
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        shot = tmp_path / f"{theme}.png"
        page.locator(".lstm-explorer").first.screenshot(path=str(shot))
        from PIL import Image
        pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
        assert pixels.std() > 20, f"{theme} screenshot looks blank"
        assert np.median(pixels) > 200, f"{theme}: the explorer card should stay light (dark text on white)"
    page.close()


def test_search_finds_forget(browser, server):
    page, _ = open_page(browser, f"{server}/search.html?q=forget")
    page.wait_for_selector("#search-results li", timeout=15000)
    assert page.locator("#search-results li").count() > 0
    page.close()


def test_chapters_have_previous_and_next_links(browser, server):
    page, _ = open_page(browser, f"{server}/{PAGES[1]}")
    assert page.locator(".prev-next-area a.left-prev").count() == 1
    assert page.locator(".prev-next-area a.right-next").count() == 1
    assert page.locator(".bd-sidebar-primary a").count() >= len(PAGES) - 1
    assert page.locator(f"a[href$='{PAGES[1].replace('.html', '.ipynb')}']").count() >= 1   # download .ipynb
    assert "make lab" in page.locator(".bd-header-announcement").inner_text()              # run-locally hint
    page.close()
