"""The docs explorer's budgets: data export time and size, and the first render in Chromium.

Run with ``python benchmarks/bench_explorer.py`` from the repository root. The export
runs in a fresh process (as the docs build runs it); the render is timed from
navigation start to the drawn layer, for the largest chunk and a small one, when a
built site (``site/``), Chromium, chromedriver and Selenium are there.
Targets: export under 60 s, data under 5 MB, first render under 1 s.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPORT = """
import sys, time
from pathlib import Path
sys.path.insert(0, "docs/hooks")
import explorer
start = time.perf_counter()
size = explorer.write_chunks(Path(sys.argv[1]))
print(time.perf_counter() - start, size)
"""
QUERIES = {
    "2-D, n=8, transposed (largest chunk)":
        "dims=2&n=8&k=5&stride=3&padding=0&dilation=3&mode=zeros&transposed=1",
    "1-D, n=5": "dims=1&n=5&k=3&stride=1&padding=1&dilation=1&mode=zeros&transposed=0",
}
WAIT = """
const done = arguments[0];
(function wait() {
  const root = document.getElementById("sx");
  if (root.dataset.state !== "ready") return setTimeout(wait, 2);
  done(performance.now());
})();
"""


def export() -> None:
    with tempfile.TemporaryDirectory() as target:
        seconds, size = subprocess.run(
            [sys.executable, "-c", EXPORT, target], cwd=ROOT, check=True, capture_output=True,
            text=True,
        ).stdout.split()
    print(f"export of every layer: {float(seconds):6.1f} s   (target < 60 s)")
    print(f"data size:             {int(size) / 1e6:6.2f} MB  (target < 5 MB)")


def render() -> None:
    page = ROOT / "site" / "explorer" / "index.html"
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    try:
        from selenium import webdriver
    except ImportError:
        webdriver = None
    if not (page.is_file() and chromium and driver_path and webdriver):
        print("first render: skipped (needs a built site, chromium, chromedriver, selenium)")
        return
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    with tempfile.TemporaryDirectory() as profile:
        for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=webdriver.ChromeService(driver_path), options=options)
        try:
            for name, query in QUERIES.items():
                times = []
                for _ in range(5):
                    driver.get(page.as_uri() + "?" + query)
                    times.append(driver.execute_async_script(WAIT) / 1000)
                print(f"first render, {name}: median {statistics.median(times):.2f} s "
                      f"(min {min(times):.2f}, max {max(times):.2f}; target < 1 s)")
        finally:
            driver.quit()


if __name__ == "__main__":
    if "--render-only" not in sys.argv:
        export()
    render()
