"""The LSTM book's website: what the stock Jupyter Book 1 theme gets wrong for our readers, fixed at build time.

A Sphinx extension, loaded by ``_config.yml`` (``sphinx.local_extensions: {lstm_site: tools}``). Per page:
- no saved widget state (the explorers' live widgets cannot run without a kernel; the page draws the explorers
  from their own JSON; widget views are never rendered: _config.yml's nb_mime_priority_overrides, and the
  build trains without progress bars: TQDM_DISABLE=1 in the Makefile), no sphinx-thebe scripts (the book does
  not use Thebe; they declared ``THEBE_JS_URL`` twice, an error on every page), no inline script twice;
- figures load lazily (as the reader scrolls near them), SVG figures with their width and height (no layout
  shift while they load);
- accessible markup: the sidebar's expand/collapse ``<summary>`` gets a name, myst-nb's hidden-cell toggle is named
  by the text it shows, the bibliography's list gets list items (``role="listitem"`` instead of the deprecated
  ``doc-biblioentry``);
- a meta description: the page's first paragraph of prose (sphinxext-opengraph was tried: its description
  starts with the "What you will learn" heading and keeps raw TeX such as "\\sigma", so it is not used);
- under every chapter's title, one line saying how to run its notebook locally, and a "book (.zip)" entry in
  the download menu.
For the whole site (build-finished):
- ``lstm-book.zip``: the book as a reader runs it (notebooks, ``lstm_helpers``, requirements, Makefile, …);
- icons: the theme's Font Awesome icons as CSS masks (``_static/lstm-icons.css``, only the icons the pages use,
  ~10 KB) instead of the 1.5 MB ``fontawesome.js``, which the template override in ``_templates/`` no longer
  loads and which is not shipped.
"""
from __future__ import annotations

import html
import pathlib
import re
import zipfile
from urllib.parse import quote

ARCHIVE = "lstm-book.zip"
ARCHIVE_ROOT = "lstm-book"
# What a reader needs to run the notebooks (make lab), rebuild the site (make book) and run the tests (make test).
ARCHIVE_FILES = ("Makefile", "README.md", "requirements.txt", "requirements-test.txt", "constraints.txt",
                 "pyproject.toml", "package.json", "package-lock.json", "_config.yml", "_toc.yml", "references.bib")
ARCHIVE_DIRS = ("book", "lstm_helpers", "benchmarks", "tests", "tools", "jupyter_config", "_static", "_templates")
ARCHIVE_SKIP = re.compile(r"(^|/)(__pycache__|\.ipynb_checkpoints|\.pytest_cache|results|[^/]*\.egg-info)(/|$)|\.pyc$")
ZIP_DATE = (2026, 1, 1, 0, 0, 0)          # fixed, so the archive changes only when its files do
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
ICONS_CSS = "lstm-icons.css"
# Icons a script adds after load (pydata-sphinx-theme.js: the search dialog's close button).
SCRIPT_ICONS = {("fa-solid", "fa-xmark")}


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("source-read", _source)
    app.connect("html-page-context", _page, priority=900)     # after myst-nb, mathjax, the theme and its buttons
    app.connect("build-finished", _finish)
    app.add_css_file(ICONS_CSS)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _configure(app, config):
    # pydata-sphinx-theme starts with mode "" unless html_context names one, and logs "Got invalid theme mode".
    config.html_context.setdefault("default_mode", "auto")


CLONE_PLACEHOLDER = "<this repository>"


def _source(app, docname, source):
    """A page's ``git clone <this repository>`` names the repository configured in _config.yml (the book's
    source says it once; in a clone, where the reader already has it, the placeholder is self-explanatory)."""
    repo = repository_url(app)
    if repo and CLONE_PLACEHOLDER in source[0]:
        source[0] = source[0].replace(f"git clone {CLONE_PLACEHOLDER}", f"git clone {repo}")


def repository_url(app):
    return app.config.html_theme_options.get("repository_url", "").rstrip("/")


# -- every page ----------------------------------------------------------------------------------------------
def _page(app, pagename, templatename, context, doctree):
    context["script_files"] = _scripts(context.get("script_files", []))
    context["css_files"] = [c for c in context.get("css_files", []) if "sphinx-thebe" not in str(c.filename)]
    body = context.get("body", "")
    if body:
        body = re.sub(r'<script type="text/x-thebe-config">.*?</script>\s*<script>kernelName = [^<]*</script>', "",
                      body, flags=re.S)
        body = body.replace('role="doc-biblioentry"', 'role="listitem"')
        # myst-nb's hidden-cell toggle: named by what it shows ("Show code cell content"), not "Toggle hidden content"
        body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
        body = _figure_images(app, body)
        if _is_chapter(app, pagename):
            body = _add_run_locally(app, pagename, context, body)
        context["body"] = body
    context["metatags"] = context.get("metatags", "") + _description(context)
    toctree = context.get("generate_toctree_html")
    if toctree is not None and not getattr(toctree, "lstm_named", False):
        def named(*args, **kwargs):
            return _name_summaries(toctree(*args, **kwargs))
        named.lstm_named = True
        context["generate_toctree_html"] = named
    _add_archive_button(context)


def _scripts(scripts):
    out, bodies = [], set()
    for js in scripts:
        attrs = getattr(js, "attributes", {}) or {}
        body = attrs.get("body", "")
        if attrs.get("type") == WIDGET_STATE or "thebe" in str(js.filename) or "THEBE_JS_URL" in body:
            continue
        if body:
            if body in bodies:
                continue
            bodies.add(body)
        out.append(js)
    return out


def _figure_images(app, body):
    """Figures (images in _images/) load when the reader scrolls near them (loading="lazy"), and an SVG figure gets
    its width and height (from the file; matplotlib writes them in pt): the browser reserves the figure's space
    before it loads, so the text does not jump (layout shift), and the figure is shown at the size it was drawn
    for (the stylesheet lets it shrink to the column: max-width 100 %, height auto)."""
    built = {name: src for src, name in getattr(app.builder, "images", {}).items()}

    def lazy(m):
        tag = m.group(0)
        return tag if " loading=" in tag else tag.replace("<img ", '<img loading="lazy" decoding="async" ', 1)

    def size(m):
        tag, name = m.group(0), m.group(1)
        src = built.get(name)
        if " width=" in tag or src is None or not (pathlib.Path(app.srcdir) / src).is_file():
            return tag
        head = (pathlib.Path(app.srcdir) / src).read_text(errors="ignore")[:2000]
        dims = re.search(r'<svg[^>]*?\swidth="([\d.]+)(pt|px)?"[^>]*?\sheight="([\d.]+)(pt|px)?"', head)
        if not dims:
            return tag
        scale = 96 / 72 if dims.group(2) == "pt" else 1.0
        w, h = round(float(dims.group(1)) * scale), round(float(dims.group(3)) * scale)
        return tag.replace("<img ", f'<img width="{w}" height="{h}" ', 1)

    body = re.sub(r'<img [^>]*src="[^"]*_images/([^"/]+\.svg)"[^>]*>', size, body)
    return re.sub(r'<img [^>]*src="[^"]*_images/[^"]*"[^>]*>', lazy, body)


def _is_chapter(app, pagename):
    return app.env.doc2path(pagename, False).endswith(".ipynb") if pagename in app.env.all_docs else False


def _add_run_locally(app, pagename, context, body):
    """One line under the chapter's title: how to run this notebook on your own machine."""
    archive = context["pathto"](ARCHIVE, 1)
    notebook = app.env.doc2path(pagename, False)
    repo = repository_url(app)
    clone = f' or <code class="docutils literal notranslate">git clone {html.escape(repo)}</code>' if repo else ""
    line = (f'<p class="lstm-run-locally">Run this chapter yourself: <a href="{archive}" download>download the book'
            f" (.zip)</a>{clone}, then <code class=\"docutils literal notranslate\">make lab</code> and open "
            f'<code class="docutils literal notranslate">{html.escape(notebook)}</code>.</p>')
    return re.sub(r"(</h1>)", r"\1" + line.replace("\\", "\\\\"), body, count=1)


def _description(context):
    """<meta name="description">: the page's first paragraph of prose (a paragraph of a section, not of a list or
    a note, at least 60 characters), at most 160 characters."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(context.get("body", ""), "html.parser")
    text = ""
    for p in soup.select("section > p"):
        if "lstm-run-locally" in (p.get("class") or []):
            continue
        text = " ".join(p.get_text().split())
        if len(text) >= 60:
            break
    if len(text) < 60:
        title = " ".join(BeautifulSoup(context.get("title", ""), "html.parser").get_text().split())
        text = f"{title}: a chapter of {context.get('docstitle', 'the book')}, an interactive tutorial on LSTM " \
               "networks with numpy code, experiments and sliders."
    if len(text) > 160:
        text = text[:157].rsplit(" ", 1)[0] + "…"
    return f'\n<meta name="description" content="{html.escape(text, quote=True)}" />\n'


def _name_summaries(toc):
    """Give each sidebar expand/collapse toggle (a bare <summary>, the theme's chevron) an accessible name,
    "Sections of <chapter>". ``toc`` is the theme's BeautifulSoup (or its HTML)."""
    if isinstance(toc, str):
        from bs4 import BeautifulSoup

        return str(_name_summaries(BeautifulSoup(toc, "html.parser")))
    for summary in toc.select("li > details > summary"):
        if summary.get("aria-label") or summary.get_text(strip=True):
            continue
        link = summary.find_parent("li").find("a", recursive=False)
        title = " ".join(link.get_text().split()) if link else "this chapter"
        summary["aria-label"] = f"Sections of {title}"
    return toc


def _add_archive_button(context):
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons" and not any(b.get("label") == "download-book-button"
                                                                 for b in group["buttons"]):
            group["buttons"].insert(0, {
                "type": "link", "url": context["pathto"](ARCHIVE, 1), "text": "book (.zip)",
                "tooltip": "Download the whole book to run it: notebooks, lstm_helpers, requirements, Makefile",
                "icon": "fas fa-file-zipper", "label": "download-book-button"})


# -- the whole site ------------------------------------------------------------------------------------------
def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = pathlib.Path(app.outdir)
    build_archive(pathlib.Path(app.srcdir), out / ARCHIVE)
    write_icons(out)


def archive_members(src):
    """The files of the download archive: (path on disk, path in the archive), sorted."""
    files = [src / f for f in ARCHIVE_FILES if (src / f).is_file()]
    for d in ARCHIVE_DIRS:
        files += [p for p in (src / d).rglob("*") if p.is_file()] if (src / d).is_dir() else []
    members = []
    for p in sorted(set(files)):
        rel = p.relative_to(src).as_posix()
        if not ARCHIVE_SKIP.search(rel):
            members.append((p, f"{ARCHIVE_ROOT}/{rel}"))
    return members


def build_archive(src, target):
    """Write the book as a reader runs it to ``target`` (a zip with one folder, lstm-book/)."""
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path, name in archive_members(src):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
            z.writestr(info, path.read_bytes())
    tmp.replace(target)


def used_icons(out):
    """(style, name) of every Font Awesome icon class in the built pages, plus those scripts add."""
    found = set(SCRIPT_ICONS)
    for page in out.rglob("*.html"):
        for classes in re.findall(r'<(?:i|span) class="([^"]*\bfa-[^"]*)"', page.read_text(errors="ignore")):
            parts = classes.split()
            style = next((s for s in parts if s in STYLE_ALIASES), None)
            for name in parts:
                if name.startswith("fa-") and name not in STYLE_ALIASES and name not in SIZE_CLASSES and style:
                    found.add((STYLE_ALIASES[style], name))
    return found


STYLE_ALIASES = {"fa-solid": "fa-solid", "fas": "fa-solid", "fa-regular": "fa-regular", "far": "fa-regular",
                 "fa-brands": "fa-brands", "fab": "fa-brands"}
SIZE_CLASSES = {"fa-lg", "fa-sm", "fa-xs", "fa-2x", "fa-fw"}


def icon_paths():
    """{(style, name or alias): (width, height, svg path)} from the theme's fontawesome.js (Font Awesome Free)."""
    import pydata_sphinx_theme

    js = (pathlib.Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts"
          / "fontawesome.js").read_text()
    packs = sorted((m.start(), style) for m, style in
                   ((re.search(rf'\w\("{short}",\w+\)', js), style)
                    for short, style in (("fab", "fa-brands"), ("far", "fa-regular"), ("fas", "fa-solid"))) if m)
    icons = {}
    # entries look like "magnifying-glass":[512,512,[128269,"search"],"f002","M416 208c…"] (quotes only when needed)
    entry_re = r'(?:"([a-z0-9-]+)"|\b([a-z][a-z0-9]*)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]+","([^"]+)"\]'
    for m in re.finditer(entry_re, js):
        style = next((s for pos, s in packs if m.start() < pos), None)
        if style is None:
            continue
        entry = (int(m.group(3)), int(m.group(4)), m.group(6))
        for name in [m.group(1) or m.group(2)] + re.findall(r'"([a-z0-9-]+)"', m.group(5)):
            icons.setdefault((style, "fa-" + name), entry)
    return icons


def write_icons(out):
    """_static/lstm-icons.css: each used icon as a CSS mask in the text colour; drop fontawesome.js from the site."""
    icons, rules = icon_paths(), []
    for style, name in sorted(used_icons(out)):
        entry = icons.get((style, name)) or icons.get(("fa-solid", name))
        if entry is None:
            continue
        w, h, path = entry
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'><path d='{path}'/></svg>"
        url = "data:image/svg+xml," + quote(svg, safe=" /:=',")
        aliases = [k for k, v in STYLE_ALIASES.items() if v == style]
        selector = ",".join(f".{a}.{name}::before" for a in aliases)
        rules.append(f'{selector}{{--lstm-icon:url("{url}");width:{w / h:.4f}em}}')
    css = ("/* The theme's icons, from Font Awesome Free 6 (icons CC BY 4.0, https://fontawesome.com/license/free),\n"
           "   drawn as CSS masks in the text colour: only the icons the pages use, instead of fontawesome.js.\n"
           "   Written by tools/lstm_site.py when the site is built. */\n"
           # no Font Awesome font at all: an empty icon element in that font still makes the browser fetch it
           "[class*=fa-]:is(.fa-solid,.fas,.fa-regular,.far,.fa-brands,.fab),"
           "[class*=fa-]:is(.fa-solid,.fas,.fa-regular,.far,.fa-brands,.fab)::before{font-family:inherit}\n"
           "[class*=fa-]:is(.fa-solid,.fas,.fa-regular,.far,.fa-brands,.fab)::before"
           "{content:\"\";display:inline-block;height:1em;vertical-align:-0.125em;background-color:currentColor;"
           "-webkit-mask:var(--lstm-icon) center/contain no-repeat;mask:var(--lstm-icon) center/contain no-repeat}\n"
           + "\n".join(rules) + "\n")
    (out / "_static" / ICONS_CSS).write_text(css)
    for leftover in (out / "_static" / "scripts").glob("fontawesome.js*"):
        leftover.unlink()
