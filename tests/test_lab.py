"""The book in a real JupyterLab: what `make lab` starts, driven by headless Chromium (Playwright).

The server is `make lab` itself (the project's .venv, 127.0.0.1, a free port, the printed URL), serving
copies of one explorer chapter and intro.md from a temporary folder, so nothing in book/ is ever
written. Every Jupyter and IPython directory the server or its kernels write to is temporary too; the
venv's share/jupyter (where jupytext, jupyterlab-myst and the widget manager live) stays visible.

Checks: a chapter runs with Run All without errors, its explorer fits a 1280×800 screen with a
figure drawn at the size it is shown (2× pixels) and equal slider tracks, and moving a slider
changes the figure; intro.md opens as a notebook (jupytext) and its demo runs; an exercise's
answers sit in a closed dropdown and MyST renders (jupyterlab-myst). At the end the server and
every kernel it started are gone.
"""
import base64
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
JUPYTER = ROOT / ".venv" / "bin" / "jupyter"
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "google-chrome"))), "/usr/bin/chromium")  # Debian; GitHub runners
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHAPTER = "04_conveyor_belt.ipynb"      # an explorer chapter with an exercise dropdown and a citation
# Settings for this test only, layered under the project's jupyter_config/: nothing is saved behind our
# back, and JupyterLab does not ask about (or fetch) its news feed.
TEST_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}

# One JupyterLab server for the whole module: its tests run on one worker (make test: --dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("jupyterlab")]
if not JUPYTER.is_file():
    pytest.skip("needs the project's .venv: run `make test` (or make lab) once", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(url, token, path, method="GET"):
    req = urllib.request.Request(f"{url}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body else None


def our_processes(marker):
    """PIDs of processes whose command line names ``marker`` (our temporary runtime folder)."""
    import psutil

    pids = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        if any(marker in part for part in (p.info["cmdline"] or [])):
            pids.append(p.info["pid"])
    return pids


@pytest.fixture(scope="session")      # once: under pytest-xdist other modules' tests may run between these
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    book = tmp / "book"
    book.mkdir()
    for name in (CHAPTER, "intro.md"):
        shutil.copy(ROOT / "book" / name, book / name)
    settings = tmp / "test-config" / "labconfig"
    settings.mkdir(parents=True)
    (settings / "default_setting_overrides.json").write_text(json.dumps(TEST_SETTINGS))
    runtime = tmp / "runtime"
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(tmp / "user-config"),        # instead of ~/.jupyter
           "JUPYTER_DATA_DIR": str(tmp / "user-data"),            # instead of ~/.local/share/jupyter
           "JUPYTER_RUNTIME_DIR": str(runtime),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp / "lab-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces"),
           "IPYTHONDIR": str(tmp / "ipython"),                    # the kernels' history and profile
           "JUPYTER_CONFIG_PATH": str(tmp / "test-config")}       # make lab puts jupyter_config/ in front
    port = free_port()
    lab_args = (f"--no-browser --port={port} --ServerApp.port_retries=0 --ServerApp.root_dir={book} "
                "--LabApp.expose_app_in_browser=True")
    log = (tmp / "server.log").open("w")
    # -o: never reinstall the venv from here (make test has just brought it up to date)
    server = subprocess.Popen(["make", "--no-print-directory", "-o", ".venv/.book", "lab", f"LAB_ARGS={lab_args}"],
                              cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    pattern = re.compile(rf"(http://127\.0\.0\.1:{port})/lab/tree/intro\.md\?token=([0-9a-f]+)")
    deadline = time.monotonic() + 90
    match = None
    while match is None and time.monotonic() < deadline and server.poll() is None:
        time.sleep(0.3)
        match = pattern.search((tmp / "server.log").read_text())
    if match is None:
        os.killpg(server.pid, signal.SIGTERM)          # make and the jupyter it started (their own session)
        pytest.fail("make lab printed no http://127.0.0.1 URL:\n" + (tmp / "server.log").read_text()[-3000:])
    url, token = match.groups()
    yield {"url": url, "token": token, "book": book}
    # Shut down kernels and server through the API (as JupyterLab's File > Shut Down does) ...
    try:
        api(url, token, "/api/shutdown", "POST")
    except OSError:
        pass
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGTERM)      # the session started for make and its jupyter
        server.wait(timeout=10)
    log.close()
    # ... and check that no kernel started by this server outlived it (kill it by its pid if one did).
    leftover = our_processes(str(runtime))
    for pid in leftover:
        os.kill(pid, signal.SIGKILL)
    assert leftover == [], f"kernels left running after the server stopped: {leftover}"


def open_in_lab(browser, lab, path, width=1280, height=800):
    """A page with ``path`` open in JupyterLab and its kernel idle; returns the page."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{lab['url']}/lab/tree/{path}?token={lab['token']}")
    page.wait_for_function("p => { const w = window.jupyterapp?.shell.currentWidget;"
                           "  return w?.context?.path === p && w.context.isReady; }", arg=path, timeout=60000)
    opened_as = page.evaluate("() => { const w = window.jupyterapp.shell.currentWidget;"
                              "  return w.content?.model?.cells ? 'notebook' : w.context.factoryName; }")
    assert opened_as == "notebook", f"{path} opened in the {opened_as!r} view, not as a notebook (jupytext?)"
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status"
                           " === 'idle'", timeout=60000)
    return page


def run_all(page):
    """Run All Cells and wait until every code cell has run and the kernel is idle again."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget, cells = w.content.model.cells;"
        "  for (let i = 0; i < cells.length; i++) { const c = cells.get(i);"
        "    if (c.type === 'code' && !c.executionCount) return false; }"
        "  return w.sessionContext.session.kernel.status === 'idle'; }", timeout=90000)


def outputs(page):
    """(cell index, output) for every output of the current notebook, as nbformat JSON."""
    return page.evaluate(
        "() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells, out = [];"
        "  for (let i = 0; i < cells.length; i++) { const c = cells.get(i); if (c.type !== 'code') continue;"
        "    for (let j = 0; j < c.outputs.length; j++) out.push([i, c.outputs.get(j).toJSON()]); }"
        "  return out; }")


def assert_no_errors(page):
    bad = [(i, o) for i, o in outputs(page) if o["output_type"] == "error" or o.get("name") == "stderr"]
    assert bad == [], json.dumps(bad)[:2000]


def panel(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def png_of(img):
    """The bytes of the PNG an <img> shows (the widget's blob URL)."""
    data_url = img.evaluate(
        "async img => { const blob = await (await fetch(img.src)).blob();"
        "  return await new Promise(ok => { const r = new FileReader(); r.onload = () => ok(r.result);"
        "    r.readAsDataURL(blob); }); }")
    return base64.b64decode(data_url.split(",", 1)[1])


def geometry(page, explorer):
    """Sizes of an explorer as shown: its box, the figure (shown and natural), slider tracks and labels."""
    explorer.scroll_into_view_if_needed()
    return explorer.evaluate(
        "box => { const r = e => e.getBoundingClientRect(), img = box.querySelector('img');"
        "  const scroller = box.closest('.jp-WindowedPanel-outer') || box.closest('.jp-Notebook');"
        "  return {height: r(box).height, visible: r(scroller).height,"
        "    shown: [r(img).width, r(img).height], natural: [img.naturalWidth, img.naturalHeight],"
        "    tracks: [...box.querySelectorAll('.slider-container')].map(e => [r(e).left, r(e).width]),"
        "    cut_labels: [...box.querySelectorAll('.widget-slider .widget-label')]"
        "      .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent),"
        "    readouts: [...box.querySelectorAll('.widget-readout')].map(e => e.textContent)}; }")


def test_chapter_runs_and_its_explorer_fits_the_screen_redraws_and_is_not_stretched(lab, browser, record_property):
    page = open_in_lab(browser, lab, CHAPTER)
    run_all(page)
    assert_no_errors(page)
    explorer = panel(page).locator(".widget-vbox").filter(has=page.locator("img")).first
    explorer.locator("img").wait_for(timeout=30000)
    g = geometry(page, explorer)
    record_property("explorer_1280x800", g)
    assert g["height"] <= g["visible"], f"explorer {g['height']:.0f} px tall, notebook shows {g['visible']:.0f} px"
    assert abs(2 * g["shown"][0] - g["natural"][0]) <= 2 and abs(2 * g["shown"][1] - g["natural"][1]) <= 2, g
    lefts, widths = zip(*g["tracks"])
    assert len(widths) == 2 and max(widths) - min(widths) <= 1 and max(lefts) - min(lefts) <= 1, g["tracks"]
    assert g["cut_labels"] == [], g["cut_labels"]

    # Move the forget-gate slider with the keyboard, one step at a time: every move redraws the figure.
    img = explorer.locator("img")
    handle = explorer.locator(".noUi-handle").first
    explorer.evaluate(
        "box => { const img = box.querySelector('img'); window.__moves = [];"
        "  box.addEventListener('keydown', () => { window.__t0 = performance.now(); }, true);"
        "  img.addEventListener('load', () => { if (window.__t0) window.__moves.push(performance.now() - window.__t0);"
        "    window.__t0 = 0; }); }")
    before = png_of(img)
    handle.focus()
    for k in range(10):
        handle.press("ArrowLeft")
        page.wait_for_function(f"window.__moves.length > {k}", timeout=15000)
    after = png_of(img)
    assert before[:4] == after[:4] == b"\x89PNG" and before != after
    assert explorer.locator(".widget-readout").first.inner_text() == "0.76"     # 0.96 − 10 × 0.02
    latency = page.evaluate("window.__moves")
    record_property("slider_to_figure_ms", latency)
    print(f"\nslider to figure: median {np.median(latency):.0f} ms over {len(latency)} moves "
          f"(min {min(latency):.0f}, max {max(latency):.0f}); explorer at 1280x800: {json.dumps(g)}")
    assert_no_errors(page)

    # The same running notebook on a wide screen: the explorer keeps its size (it is not stretched).
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(500)
    wide = geometry(page, explorer)
    record_property("explorer_1920x1080", wide)
    print(f"explorer at 1920x1080: {json.dumps(wide)}")
    assert wide["shown"][0] * 2 == pytest.approx(wide["natural"][0], abs=2) and wide["height"] <= wide["visible"], wide
    page.close()


def test_intro_md_opens_as_a_notebook_and_its_demo_runs(lab, browser):
    page = open_in_lab(browser, lab, "intro.md")                 # as a notebook, not in the text editor
    kinds = page.evaluate("() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells;"
                          "  return Array.from({length: cells.length}, (_, i) => cells.get(i).type); }")
    assert kinds.count("code") == 1, kinds
    run_all(page)
    assert_no_errors(page)
    explorer = panel(page).locator(".widget-vbox").filter(has=page.locator("img")).first
    explorer.locator("img").wait_for(timeout=30000)
    assert explorer.locator(".noUi-handle").count() == 3         # forget, input, output
    shown = panel(page).locator(".jp-MarkdownCell").first.inner_text()
    assert "jupytext" not in shown and "The LSTM Book" in shown  # front matter is metadata, not text
    page.close()


def test_myst_renders_and_exercise_answers_stay_in_a_closed_dropdown(lab, browser):
    page = open_in_lab(browser, lab, CHAPTER)
    last = panel(page).locator(".jp-MarkdownCell").last          # the references cell
    last.scroll_into_view_if_needed()
    try:
        last.locator(".myst").first.wait_for(state="attached", timeout=20000)
    except playwright.TimeoutError:
        pytest.fail("markdown cells are not rendered by jupyterlab-myst (is it installed and enabled?)")
    exercises = panel(page).locator(".jp-MarkdownCell").filter(has=page.locator("details")).last
    dropdown = exercises.locator("details")
    assert dropdown.count() == 1 and dropdown.first.evaluate("d => d.open") is False
    assert dropdown.first.locator("summary").inner_text().strip() == "Answers"
    assert not dropdown.first.locator("li").first.is_visible()  # the answers are hidden until opened
    text = panel(page).locator(".jp-MarkdownCell .myst").all_text_contents()   # every cell, on screen or not
    raw = [t for t in text if re.search(r":::|\{(cite|doc|dropdown|admonition)\}", t)]
    assert len(text) >= 4 and raw == [], raw                     # rendered, no MyST markup shown as text
    assert panel(page).locator(".jp-MarkdownCell .katex").count() > 10   # math is typeset
    dropdown.first.locator("summary").click()
    assert dropdown.first.locator("li").first.is_visible()
    # Who is cited, as the reader sees it. jupyterlab-myst (2.6, 2.7) reads no bibliography -- neither a myst.yml
    # nor the notebook's front matter -- so a {cite} role shows only its key, marked "Citation Not Found"; the
    # sentence names the authors and the year itself, and the key stays readable to look up.
    answers = dropdown.first.inner_text()
    assert "Gers et al. (2000)" in answers and "gers2000forget" in answers
    # ... and the chapter's last cell (removed from the website, which has a bibliography) lists every key it cites
    # with its authors, year and title.
    references = last.inner_text()
    assert "References." in references and "gers2000forget: Gers, Schmidhuber & Cummins (2000)." in references
    page.close()
