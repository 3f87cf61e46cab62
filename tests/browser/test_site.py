"""Browser checks of the built docs site: math typeset, figures present, no network.

Build the site first (``npm ci && mkdocs build --strict``), then run
``pytest tests/browser -m browser``. The site directory is ``$SYMCONV_SITE_DIR``
(default: ``site/`` at the repository root). Only the Chromium command line is used
(no DevTools protocol): each page is loaded with ``--dump-dom`` after the virtual
clock has run long enough for MathJax to typeset.

Off-machine requests are caught two ways:

* statically: no built HTML or CSS file references a non-local URL that a browser
  would load (scripts, stylesheets, icons, images, frames, CSS ``url()``/``@import``);
  links the reader may click (``<a href>``) are fine;
* dynamically: Chromium runs with ``--proxy-server`` pointing at a local recording
  proxy that answers every request with 403, and with host resolution disabled for
  everything but 127.0.0.1. Loopback bypasses the proxy, so the site itself loads
  directly; every request the proxy sees left (or tried to leave) the machine.
  Chromium itself phones home even with ``--disable-background-networking``
  (component updater, Google account check): requests to those few browser-internal
  hosts (``BROWSER_INTERNAL_HOSTS``) are ignored, every other one fails the test.
  ``test_proxy_catches_off_machine_requests`` proves the trap works on a page that
  does load remote resources.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socketserver
import struct
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SYMCONV_SITE_DIR") or ROOT / "site").resolve()
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_TIMEOUT = 45  # seconds, per Chromium run
WORKERS = max(1, min(4, os.cpu_count() or 1))
CONSOLE = ("--enable-logging=stderr", "--v=0")  # page console messages go to stderr

# Hosts that Chromium contacts on its own, whatever the page (seen with a blank page).
# No web page has a reason to load anything from them; fonts.googleapis.com,
# fonts.gstatic.com, CDNs, ... are NOT here and fail the test.
BROWSER_INTERNAL_HOSTS = {
    "start.duckduckgo.com",  # Debian's default search engine, preconnected under chromedriver
    "accounts.google.com",  # Google account (Gaia) check at startup
    "update.googleapis.com",  # component updater (on-demand component check)
    "clients2.google.com",  # network time / extension updates
    "content-autofill.googleapis.com",  # autofill server
    "optimizationguide-pa.googleapis.com",  # optimization hints
    "safebrowsing.googleapis.com",
    "redirector.gvt1.com",  # component downloads
    "edgedl.me.gvt1.com",
}
# Switch off as much of that background traffic as Chromium allows.
QUIET_FEATURES = ",".join(
    [
        "NetworkTimeServiceQuerying",
        "AutofillServerCommunication",
        "OptimizationHints",
        "Translate",
        "MediaRouter",
    ]
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH"),
    pytest.mark.skipif(
        not (SITE / "index.html").is_file(),
        reason=f"no built site at {SITE} (run `npm ci && mkdocs build --strict`, "
        "or set SYMCONV_SITE_DIR)",
    ),
]

# --------------------------------------------------------------------------- HTML parsing

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "param", "source", "track", "wbr",
}  # fmt: skip
NOT_PROSE = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "mjx-container"}
RAW_TEX = ("\\begin{", "\\(", "\\[")

# Attributes whose URL the browser fetches by itself, per element.
LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
    "link": ("href", "imagesrcset"),
}
# <link rel=...> values that only name a document, without loading it.
LINK_RELS_NOT_LOADED = {
    "canonical", "alternate", "next", "prev", "author", "license", "me", "help",
}  # fmt: skip
EXTERNAL_URL = re.compile(r"^\s*(?:(?:https?|wss?|ftp):)?//", re.IGNORECASE)
CSS_EXTERNAL = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:(?:https?|ftp):)?//[^'")\s]*)""", re.IGNORECASE
)


@dataclass
class PageStats:
    """What one HTML document contains, as far as these checks care."""

    mjx_containers: int = 0
    mjx_errors: int = 0
    arithmatex: int = 0
    figures_svg: int = 0  # <svg> in the article, not part of typeset math
    figures_img: int = 0
    img_srcs: list[str] = field(default_factory=list, repr=False)
    raw_tex: list[str] = field(default_factory=list)
    external_loads: list[str] = field(default_factory=list)
    nav_links: list[str] = field(default_factory=list, repr=False)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stats = PageStats()
        self.stack: list[str] = []
        self.article = 0  # depth of open <article> elements
        self.not_prose = 0
        self.in_mjx = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, dict(attrs))
        if tag not in VOID:
            self.stack.append(tag)
            self.article += tag == "article"
            self.not_prose += tag in NOT_PROSE
            self.in_mjx += tag == "mjx-container"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            self.article -= top == "article"
            self.not_prose -= top in NOT_PROSE
            self.in_mjx -= top == "mjx-container"
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self._css(data, "<style>")
        if self.not_prose:
            return
        for marker in RAW_TEX:
            if marker in data:
                self.stats.raw_tex.append(" ".join(data.split())[:120])
                break

    def _element(self, tag: str, attrs: dict[str, str | None]) -> None:
        s = self.stats
        classes = (attrs.get("class") or "").split()
        s.mjx_containers += tag == "mjx-container"
        s.mjx_errors += tag == "mjx-merror" or "data-mjx-error" in attrs
        s.arithmatex += "arithmatex" in classes
        if "md-nav__link" in classes and attrs.get("href"):
            s.nav_links.append(attrs["href"] or "")
        if self.article and not self.in_mjx:
            s.figures_svg += tag == "svg"
            if tag == "img":
                s.figures_img += 1
                s.img_srcs.append(attrs.get("src") or "")
        if attrs.get("style"):
            self._css(attrs["style"] or "", f"<{tag} style>")
        if tag == "link":
            rels = set((attrs.get("rel") or "").lower().split())
            if rels and rels <= LINK_RELS_NOT_LOADED:
                return
        for name in LOADING_ATTRS.get(tag, ()):
            value = attrs.get(name) or ""
            urls = [part.split()[0] for part in value.split(",") if part.split()]
            if "srcset" not in name:
                urls = [value]
            for url in urls:
                if EXTERNAL_URL.match(url):
                    s.external_loads.append(f"<{tag} {name}={url!r}>")

    def _css(self, css: str, where: str) -> None:
        self.stats.external_loads += [f"{where} {m}" for m in CSS_EXTERNAL.findall(css)]


def scan(html: str) -> PageStats:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.stats


def page_file(page: str) -> Path:
    """The built file of the site path ``page`` (``/`` or ``/concepts/padding/``)."""
    path = SITE / unquote(page).lstrip("/")
    return path / "index.html" if page.endswith("/") else path


def nav_pages() -> list[str]:
    """Site paths of every page in the site's navigation, home first."""
    if not (SITE / "index.html").is_file():
        return ["/"]
    stats = scan((SITE / "index.html").read_text(encoding="utf-8"))
    pages = ["/"]
    for href in stats.nav_links:
        if href.startswith("#") or EXTERNAL_URL.match(href) or ":" in href.split("/")[0]:
            continue
        path = urlsplit(urljoin("/", href)).path
        if path not in pages:
            pages.append(path)
    return pages


PAGES = nav_pages()

# --------------------------------------------------------------------------- servers


class _Server(http.server.ThreadingHTTPServer):
    """A threaded HTTP server on a free port of 127.0.0.1 that keeps a request log."""

    daemon_threads = True

    def __init__(self, handler: Callable[..., socketserver.BaseRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.log: list = []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _SiteHandler(_QuietHandler):
    def send_response(self, code: int, message: str | None = None) -> None:
        cast(_Server, self.server).log.append((code, self.path))
        super().send_response(code, message)


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    """Record every request and refuse it: nothing is forwarded anywhere."""

    def _refuse(self) -> None:
        cast(_Server, self.server).log.append(f"{self.command} {self.path}")
        self.send_response(403, "Off-machine request blocked by the symconv browser test")
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _refuse
    do_CONNECT = _refuse

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(handler: Callable[..., socketserver.BaseRequestHandler]) -> Iterator[tuple[str, list]]:
    """Run ``handler`` on a free port of 127.0.0.1; yield (base URL, request log)."""
    server = _Server(handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.log
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --------------------------------------------------------------------------- Chromium


def request_host(request: str) -> str:
    """The host of a request line the proxy saw: ``CONNECT h:443`` or ``GET http://h/p``."""
    method, _, target = request.partition(" ")
    if method == "CONNECT":
        return target.rsplit(":", 1)[0].strip("[]").lower()
    return (urlsplit(target).hostname or "").lower()


@dataclass
class Rendered:
    dom: str
    requests: list[str]  # everything the proxy saw
    stderr: str

    @property
    def js_errors(self) -> list[str]:
        """Uncaught exceptions the page's scripts raised (Chromium console log)."""
        return [x for x in self.stderr.splitlines() if ":CONSOLE" in x and '"Uncaught' in x]

    @property
    def off_machine(self) -> list[str]:
        """Requests the page made off the machine (browser-internal ones left out)."""
        return [r for r in self.requests if request_host(r) not in BROWSER_INTERNAL_HOSTS]


def chromium(url: str, *extra: str) -> Rendered:
    """Load ``url`` in a fresh headless Chromium whose only way out is a refusing proxy."""
    assert CHROMIUM is not None
    with serve(_ProxyHandler) as (proxy, proxy_log), tempfile.TemporaryDirectory() as profile:
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--disable-features={QUIET_FEATURES}",
            f"--proxy-server={proxy}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=10000",
            *extra,
            url,
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=False
        )
        if result.returncode != 0:
            pytest.fail(f"chromium exited with {result.returncode}:\n{result.stderr[-3000:]}")
        return Rendered(result.stdout, list(proxy_log), result.stderr)


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, list]]:
    with serve(functools.partial(_SiteHandler, directory=str(SITE))) as (url, log):
        yield url, log


@pytest.fixture(scope="module")
def rendered(site: tuple[str, list]) -> dict[str, Rendered]:
    """Every nav page after JavaScript ran, rendered in parallel; DOMs kept in test-output/."""
    base, _ = site
    with ThreadPoolExecutor(WORKERS) as pool:
        doms = pool.map(lambda page: chromium(base + page, "--dump-dom", *CONSOLE), PAGES)
        results = dict(zip(PAGES, doms, strict=True))
    (OUTPUT / "dom").mkdir(parents=True, exist_ok=True)
    log = []
    for page, result in results.items():
        name = page.strip("/").replace("/", "__") or "index"
        (OUTPUT / "dom" / f"{name}.html").write_text(result.dom, encoding="utf-8")
        log += [f"{page}\t{request}" for request in result.requests]
    (OUTPUT / "proxy-requests.tsv").write_text("".join(f"{x}\n" for x in log), encoding="utf-8")
    return results


def built(page: str) -> PageStats:
    return scan(page_file(page).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- tests


def test_nav_lists_the_key_pages() -> None:
    assert "/" in PAGES
    assert any(p.startswith("/concepts/") for p in PAGES), PAGES
    assert "/gallery/" in PAGES, PAGES
    missing = [p for p in PAGES if not page_file(p).is_file()]
    assert not missing, f"nav links to pages that were not built: {missing}"


TRAP_PAGE = """<!doctype html><title>trap</title>
<link rel="stylesheet" href="https://fonts.example/css2?family=Roboto">
<script src="https://cdn.example/lib.js"></script>
<img src="http://images.example/figure.png" alt="">
<script>fetch("https://api.example/data").catch(() => {});</script>
"""


def test_proxy_catches_off_machine_requests(tmp_path: Path) -> None:
    """The trap works: a page that loads remote resources gets them all recorded."""
    (tmp_path / "index.html").write_text(TRAP_PAGE, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    with serve(handler) as (base, _):
        result = chromium(base + "/", "--dump-dom")
    hosts = {request_host(r) for r in result.off_machine}
    expected = {"fonts.example", "cdn.example", "images.example", "api.example"}
    assert expected <= hosts, f"the proxy missed {expected - hosts}; it saw {result.requests}"


def test_built_files_load_nothing_off_machine() -> None:
    """No HTML or CSS file in the site makes the browser fetch a non-local URL."""
    found = []
    for path in sorted(SITE.rglob("*")):
        if path.suffix == ".html":
            loads = scan(path.read_text(encoding="utf-8")).external_loads
        elif path.suffix == ".css":
            text = path.read_text(encoding="utf-8")
            loads = [f"css {m}" for m in CSS_EXTERNAL.findall(text)]
        else:
            continue
        found += [f"{path.relative_to(SITE)}: {load}" for load in loads]
    assert not found, "the built site loads off-machine resources:\n" + "\n".join(found)


@pytest.mark.parametrize("page", PAGES)
def test_page_makes_no_off_machine_request(page: str, rendered: dict[str, Rendered]) -> None:
    requests = rendered[page].off_machine
    assert not requests, f"{page} tried to reach off the machine:\n" + "\n".join(requests)


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_javascript_errors(page: str, rendered: dict[str, Rendered]) -> None:
    errors = rendered[page].js_errors
    assert not errors, f"JavaScript errors on {page}:\n" + "\n".join(errors)


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset(page: str, rendered: dict[str, Rendered]) -> None:
    before, after = built(page), scan(rendered[page].dom)
    assert after.mjx_errors == 0, f"MathJax reported {after.mjx_errors} error(s) on {page}"
    assert after.mjx_containers >= before.arithmatex, (
        f"{page}: {before.arithmatex} math element(s) in the HTML, but only "
        f"{after.mjx_containers} <mjx-container> after MathJax ran"
    )
    assert not after.raw_tex, f"untypeset TeX on {page}: {after.raw_tex}"


@pytest.mark.parametrize("page", PAGES)
def test_figures_are_present(page: str, rendered: dict[str, Rendered]) -> None:
    before = built(page)
    if not (before.figures_svg or before.figures_img):
        pytest.skip(f"{page} has no figures")
    after = scan(rendered[page].dom)
    assert after.figures_svg >= before.figures_svg, f"{page}: <svg> figures lost"
    assert after.figures_img >= before.figures_img, f"{page}: <img> figures lost"
    for src in before.img_srcs:
        if src.startswith("data:"):
            continue
        target = page_file(urlsplit(urljoin(page, src)).path)
        assert target.is_file(), f"{page}: image {src!r} is not in the site ({target})"


def test_no_missing_local_files(site: tuple[str, list], rendered: dict[str, Rendered]) -> None:
    """Every file the pages asked the local server for exists (e.g. lazy MathJax parts)."""
    _, log = site
    missing = sorted({path for code, path in log if code >= 400})
    assert not missing, "pages requested files missing from the site:\n" + "\n".join(missing)


def test_home_page_screenshot(site: tuple[str, list]) -> None:
    base, _ = site
    OUTPUT.mkdir(parents=True, exist_ok=True)
    png = OUTPUT / "home.png"
    png.unlink(missing_ok=True)
    result = chromium(
        base + "/", f"--screenshot={png}", "--window-size=1280,1600", "--hide-scrollbars"
    )
    assert not result.off_machine, result.off_machine
    assert png.is_file(), f"no screenshot written:\n{result.stderr[-3000:]}"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    assert len(data) > 20_000, f"screenshot is suspiciously small ({len(data)} bytes)"


# --------------------------------------------------------------------------- layout (Selenium)
#
# Every page at three window widths in Chromium driven through chromedriver (the
# same refusing proxy catches off-machine requests): display math typeset at a
# visible size, nothing wider than the text column unless inside a scroll
# container, figure text readable at desktop width. Screenshots of every page at
# 400 and 1280 px go to test-output/browser/screens/.

CHROMEDRIVER = shutil.which("chromedriver")
WIDTHS = (400, 768, 1280)
SCREENSHOT_WIDTHS = (400, 1280)
MIN_EQUATION_PX = 20
MIN_FIGURE_TEXT_PX = 9.0
FIGURE_TEXT_WIDTH = 1280  # the width at which figure text must be readable

# Run in the page once MathJax has typeset. Widths are CSS px.
MEASURE = """
const column = document.querySelector("article.md-content__inner");
// The theme lets scroll containers reach into the column's padding on narrow screens.
const limit = document.querySelector(".md-content").getBoundingClientRect().right + 1;
const scrolls = (el) => {
  for (let a = el.parentElement; a && a !== column; a = a.parentElement) {
    const x = getComputedStyle(a).overflowX;
    if ((x === "auto" || x === "scroll") && a.getBoundingClientRect().right <= limit) return true;
  }
  return false;
};
const label = (el) => el.tagName.toLowerCase() + " " + (el.textContent || "").trim().slice(0, 40);
const equations = [...column.querySelectorAll('mjx-container[display="true"]')].map(
  (m) => m.getBoundingClientRect().width);
const boxes = 'table, mjx-container[display="true"] > svg, .symconv-figure';
const wide = [...column.querySelectorAll(boxes)].filter(
  (el) => el.getBoundingClientRect().right > limit && !scrolls(el)).map(label);
const text = [...column.querySelectorAll('.symconv-figure g[id*="text_"] use')].map((u) => {
  const m = u.getScreenCTM();
  return Math.hypot(m.a, m.b) * 100;  // glyphs are drawn at size 100, then scaled
});
return {equations, wide, text, height: document.documentElement.scrollHeight};
"""
WAIT_FOR_MATH = """
const done = arguments[arguments.length - 1];
const ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
(ready || Promise.resolve()).then(() => done(true), () => done(false));
"""


@dataclass
class Layout:
    equations: list[float]
    wide: list[str]
    text: list[float]


def _driver(proxy: str, width: int, profile: str):  # type: ignore[no-untyped-def]
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = cast(str, CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--hide-scrollbars", f"--user-data-dir={profile}",
                 f"--disable-features={QUIET_FEATURES}", f"--proxy-server={proxy}",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                 f"--window-size={width},900"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_window_size(width, 900)
    driver.set_script_timeout(BROWSER_TIMEOUT)
    return driver


@pytest.fixture(scope="module")
def layouts(site: tuple[str, list]) -> tuple[dict[tuple[str, int], Layout], list[str]]:
    """Every page measured at every width; the off-machine requests of all of them."""
    if CHROMEDRIVER is None:
        pytest.skip("chromedriver is not on PATH")
    pytest.importorskip("selenium")
    base, _ = site
    screens = OUTPUT / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, int], Layout] = {}
    requests: list[str] = []
    for width in WIDTHS:
        with serve(_ProxyHandler) as (proxy, proxy_log), \
                tempfile.TemporaryDirectory() as profile:
            driver = _driver(proxy, width, profile)
            try:
                for page in PAGES:
                    driver.set_window_size(width, 900)
                    driver.get(base + page)
                    driver.execute_async_script(WAIT_FOR_MATH)
                    found = driver.execute_script(MEASURE)
                    results[page, width] = Layout(found["equations"], found["wide"],
                                                  found["text"])
                    if width in SCREENSHOT_WIDTHS:
                        driver.set_window_size(width, min(int(found["height"]) + 120, 16000))
                        name = page.strip("/").replace("/", "__") or "index"
                        driver.save_screenshot(str(screens / f"{name}-{width}.png"))
            finally:
                driver.quit()
            requests += [r for r in proxy_log if request_host(r) not in BROWSER_INTERNAL_HOSTS]
    return results, requests


CASES = [(page, width) for page in PAGES for width in WIDTHS]


@pytest.mark.parametrize(("page", "width"), CASES)
def test_equations_render_at_a_visible_size(page: str, width: int, layouts) -> None:
    equations = layouts[0][page, width].equations
    small = [round(w, 1) for w in equations if w <= MIN_EQUATION_PX]
    assert not small, f"{page} at {width} px: display equations {small} px wide"


@pytest.mark.parametrize(("page", "width"), CASES)
def test_nothing_overflows_its_column_without_scrolling(page: str, width: int, layouts) -> None:
    wide = layouts[0][page, width].wide
    assert not wide, f"{page} at {width} px: wider than the column, no scroll container: {wide}"


@pytest.mark.parametrize("page", PAGES)
def test_figure_text_is_readable_on_a_desktop(page: str, layouts) -> None:
    sizes = layouts[0][page, FIGURE_TEXT_WIDTH].text
    small = sorted({round(s, 1) for s in sizes if s < MIN_FIGURE_TEXT_PX})
    assert not small, f"{page} at {FIGURE_TEXT_WIDTH} px: figure text at {small} CSS px"


def test_layout_pages_make_no_off_machine_request(layouts) -> None:
    assert not layouts[1], "off-machine requests:\n" + "\n".join(layouts[1])
