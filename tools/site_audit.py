"""Measure the built website as readers meet it: the numbers behind tests/test_site.py, as a table.

    .venv/bin/python tools/site_audit.py [--site _build/html] [--pages 2] [--lighthouse [--gzip]] [--json out.json]

For every page (or the first N), at 1280 and 390 px and in the light and dark theme: blocks cut off (code,
outputs, tables, display equations wider than their box), raster figures with fewer than 1.5 pixels per CSS
pixel, figures shown at < 75 % of their drawn size, console errors, serious/critical axe-core violations, the
HTML's size and the bytes transferred to show the page. With --lighthouse, also Lighthouse (npm `lighthouse`,
headless Chromium, mobile and desktop presets) for the landing page, chapter 5 and chapter 8, served from
localhost with no network (--gzip: compressed, as a web host serves it). Uses the probes of tests/test_site.py,
so the table and the tests agree.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIGHTHOUSE_PAGES = ("book/intro.html", "book/05_gates.html", "book/08_lstm_vs_rnn.html")


TEXT = (".html", ".js", ".css", ".svg", ".json", ".txt", ".map")


def serve(site, gzip_text=False):
    """Serve ``site`` on a free localhost port, like `make serve` (or, with ``gzip_text``, compressing text files
    the way a web host such as GitHub Pages does). Returns (server, base URL)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            path = self.translate_path(self.path)
            if not (gzip_text and "gzip" in self.headers.get("Accept-Encoding", "") and path.endswith(TEXT)
                    and os.path.isfile(path)):
                return super().send_head()
            import gzip
            import io

            body = gzip.compress(pathlib.Path(path).read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def audit(site, pages):
    os.environ["LSTM_SITE"] = str(site)
    sys.path.insert(0, str(ROOT / "tests"))
    import test_site as t  # the probes (they read LSTM_SITE)
    from playwright.sync_api import sync_playwright

    httpd, base = serve(site)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=t.CHROMIUM, args=t.ARGS)
        for name in pages:
            row = {"page": name, "html_kb": round((pathlib.Path(site) / name).stat().st_size / 1024)}
            for view in t.VIEWS:
                for theme in t.THEMES:
                    r = t.audit_page(browser, base, name, view, theme)
                    key = f"{view}-{theme}"
                    row[f"errors {key}"] = r["problems"]
                    row[f"axe {key}"] = [f"{v['id']} ({len(v['nodes'])})" for v in r["axe"]]
                    row[f"axe_nodes {key}"] = sum(len(v["nodes"]) for v in r["axe"])
                    if theme == "light":
                        row[f"cut_off {view}"] = t.cut_off_blocks(r["cut_off"], view)
                        row[f"scrolling_tables {view}"] = [c for c in r["cut_off"] if c not in row[f"cut_off {view}"]]
                        row[f"blurry {view}"] = [f for f in r["figures"]
                                                 if not f["svg"] and f["ratio"] < t.MIN_PIXELS_PER_CSS_PX]
                        if view == "laptop":
                            row["shrunk"] = [f for f in r["figures"] if f["fraction"] < t.MIN_SHOWN_FRACTION]
                            row["figures"] = len(r["figures"])
                            by_type = {}
                            for kind, size in r["transferred"].values():
                                by_type[kind] = by_type.get(kind, 0) + (size or 0)
                            row["transfer_kb"] = round(sum(by_type.values()) / 1024)
                            row["transfer_by_type_kb"] = {k: round(v / 1024) for k, v in sorted(by_type.items())}
                            row["nbval"] = "nbval" in r["text"].lower()
            rows.append(row)
            print(f"{name:34s} html {row['html_kb']:4d} KB  transfer {row['transfer_kb']:5d} KB  "
                  f"cut-off {len(row['cut_off laptop']):3d}/{len(row['cut_off phone']):3d}  "
                  f"blurry {len(row['blurry laptop']):2d}/{row['figures']:2d}  shrunk {len(row['shrunk']):2d}  "
                  f"errors {sum(len(row[k]) for k in row if k.startswith('errors')):2d}  "
                  f"axe {sum(row[k] for k in row if k.startswith('axe_nodes')):3d}", flush=True)
        browser.close()
    httpd.shutdown()
    return rows


def lighthouse(site, pages=LIGHTHOUSE_PAGES, presets=("mobile", "desktop"), gzip_text=False):
    """Lighthouse scores (0-100) per page and preset, from node_modules/.bin/lighthouse."""
    os.environ["LSTM_SITE"] = str(site)
    sys.path.insert(0, str(ROOT / "tests"))
    import test_site as t

    httpd, base = serve(site, gzip_text)
    out = {}
    env = {**os.environ, "CHROME_PATH": t.CHROMIUM}
    for name in pages:
        for preset in presets:
            with tempfile.TemporaryDirectory() as tmp:
                report = pathlib.Path(tmp) / "report.json"
                cmd = [str(ROOT / "node_modules" / ".bin" / "lighthouse"), f"{base}/{name}", "--quiet",
                       "--output=json", f"--output-path={report}",
                       "--only-categories=performance,accessibility,best-practices,seo",
                       "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
                       "--max-wait-for-load=90000"]
                if preset == "desktop":
                    cmd.append("--preset=desktop")
                subprocess.run(cmd, env=env, check=True, timeout=600)
                data = json.loads(report.read_text())
            cats = {k: round(100 * v["score"]) if v["score"] is not None else None
                    for k, v in data["categories"].items()}
            audits = data["audits"]
            cats["total_kb"] = round(audits["total-byte-weight"]["numericValue"] / 1024)
            cats["lcp_s"] = round(audits["largest-contentful-paint"]["numericValue"] / 1000, 1)
            cats["tbt_ms"] = round(audits["total-blocking-time"]["numericValue"])
            cats["failing"] = sorted(k for k, a in audits.items()
                                     if a.get("score") is not None and a["score"] < 0.9
                                     and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"))
            out[f"{name} {preset}"] = cats
            print(f"{name:28s} {preset:8s} " + "  ".join(f"{k} {v}" for k, v in cats.items() if k != "failing"),
                  flush=True)
            print("    below 0.9:", ", ".join(cats["failing"]), flush=True)
    httpd.shutdown()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages of the table of contents")
    parser.add_argument("--only", nargs="*", help="these pages (e.g. book/05_gates.html)")
    parser.add_argument("--lighthouse", action="store_true")
    parser.add_argument("--gzip", action="store_true", help="serve text compressed, as a web host does (Lighthouse)")
    parser.add_argument("--presets", nargs="*", default=["mobile", "desktop"])
    parser.add_argument("--no-audit", action="store_true")
    parser.add_argument("--json", help="write the measurements here")
    args = parser.parse_args()
    site = pathlib.Path(args.site).resolve()
    sys.path.insert(0, str(ROOT / "tests"))
    import re
    toc = (ROOT / "_toc.yml").read_text()
    pages = [f"{m}.html" for m in re.findall(r"file: (book/\S+)", toc) + re.findall(r"root: (book/\S+)", toc)]
    pages = args.only or (pages[: args.pages] if args.pages else pages)
    result = {}
    if not args.no_audit:
        result["pages"] = audit(site, pages)
    if args.lighthouse:
        result["lighthouse"] = lighthouse(site, presets=args.presets, gzip_text=args.gzip)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
