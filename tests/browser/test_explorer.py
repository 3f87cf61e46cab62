"""The docs explorer in headless Chromium (Selenium): what it shows is what symconv computes.

Build the site first (``npm ci && mkdocs build --strict``). The page is opened from
``file://`` (it needs no server) in Debian's Chromium through chromedriver. Hundreds
of random layers of the explorer's ranges are loaded through the URL query in one
browser session; for each, the matrix cells in the DOM (``data-row``, ``data-col``,
``data-weight``) must equal ``matrix()`` of the same symconv layer, and a refused
layer must show symconv's own message. Screenshots go to ``test-output/browser/``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from symconv.errors import SymconvError
from symconv.playground import SITE_RANGES, Setting

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SYMCONV_SITE_DIR") or ROOT / "site").resolve()
PAGE = SITE / "explorer" / "index.html"
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
RANDOM_LAYERS = 250
HOVERED_LAYERS = 25

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="chromium and chromedriver are not on PATH"),
    pytest.mark.skipif(not (SITE / "explorer" / "data").is_dir(),
                       reason=f"no built explorer at {SITE} (run `mkdocs build --strict`)"),
]

# Loads the query into the page the way a reader's back button does, waits for the
# drawing, and returns what is shown.
SHOW = """
const [query, done] = arguments;
const root = document.getElementById("sx");
history.pushState(null, "", "?" + query);
window.dispatchEvent(new PopStateEvent("popstate"));
(function wait() {
  if (root.dataset.query !== query || root.dataset.state !== "ready") {
    return setTimeout(wait, 5);
  }
  const refused = root.querySelector(".sx-refused");
  done({
    refused: refused.hidden ? null : refused.textContent,
    cells: Array.from(root.querySelectorAll(".sx-matrix [data-row]"), (c) => [
      Number(c.dataset.row), Number(c.dataset.col), c.dataset.weight,
      c.getAttribute("fill")]),
    counts: Array.from(root.querySelectorAll(".sx-counts tbody tr"),
                       (r) => Array.from(r.querySelectorAll("td"), (d) => d.textContent)),
    outputs: root.querySelectorAll("[data-out]").length,
    inputs: root.querySelectorAll("[data-in]").length,
  });
})();
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="symconv-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                 "--host-resolver-rules=MAP * ~NOTFOUND"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    driver.set_window_size(1280, 1000)
    driver.set_script_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver: Any, query: str) -> dict[str, Any]:
    driver.get(PAGE.as_uri() + "?" + query)
    return driver.execute_async_script(SHOW, query)


def random_settings(count: int, seed: int) -> list[Setting]:
    rng = random.Random(seed)
    return [Setting(**{name: rng.choice(values) for name, values in SITE_RANGES.items()})
            for _ in range(count)]


def expected_cells(setting: Setting) -> tuple[dict[tuple[int, int], str], Any]:
    layer = setting.layer()
    return {key: str(value) for key, value in layer.matrix().todok().items()}, layer


def figure_colors(layer: Any) -> dict[tuple[int, int], str]:
    """The colour the figures give each entry (symconv.plots)."""
    from symconv.plots.entries import matrix_entries
    from symconv.plots.style import ParameterColors

    entries = matrix_entries(layer)
    colors = ParameterColors.of(entries.key)
    return {(r, c): colors.hex(k) for r, c, k in zip(entries.out_unit.tolist(),
                                                       entries.in_unit.tolist(),
                                                       entries.key.tolist(), strict=True)}


def hover(driver: Any, element: Any) -> None:
    """Move the mouse off the drawing, then onto ``element`` (a fresh pointer event)."""
    driver.execute_async_script(
        "arguments[0].scrollIntoView({block: 'center'});"  # then let the scroll settle
        "requestAnimationFrame(() => requestAnimationFrame(arguments[1]));", element)
    away = ActionBuilder(driver)
    away.pointer_action.move_to_location(1, 1)  # the page header, off the drawing
    away.perform()
    ActionChains(driver).move_to_element(element).perform()
    driver.execute_async_script(
        "requestAnimationFrame(() => requestAnimationFrame(arguments[0]));")


def test_random_layers_show_symconvs_matrix(browser: Any) -> None:
    settings = random_settings(RANDOM_LAYERS, seed=14)
    open_page(browser, settings[0].query())
    refused = colored = 0
    for setting in settings:
        shown = browser.execute_async_script(SHOW, setting.query())
        try:
            cells, layer = expected_cells(setting)
        except SymconvError as error:
            refused += 1
            assert shown["refused"] is not None, setting
            assert f"{type(error).__name__}: {error}" in shown["refused"], setting
            continue
        assert shown["refused"] is None, (setting, shown["refused"])
        got = {(r, c): label for r, c, label, _ in shown["cells"]}
        assert len(got) == len(shown["cells"]), f"a cell is drawn twice for {setting}"
        assert got == cells, setting
        assert (shown["inputs"], shown["outputs"]) == (layer.n_in, layer.n_out), setting
        assert shown["counts"][0] == [f"{layer.num_parameters:,}", f"{layer.num_connections:,}"]
        assert shown["counts"][2] == [f"{layer.n_in * layer.n_out:,}"] * 2
        if colored < 60:  # colours are the figures' (a sample: the lookup is slow)
            colored += 1
            colors = figure_colors(layer)
            assert {(r, c): fill.lower() for r, c, _, fill in shown["cells"]} == colors, setting
    assert 0 < refused < len(settings)  # both kinds were exercised


def test_hovering_an_output_lights_its_receptive_field(browser: Any) -> None:
    rng = random.Random(1414)
    valid = []
    for setting in random_settings(4 * HOVERED_LAYERS, seed=41):
        try:
            valid.append((setting, setting.layer()))
        except SymconvError:
            continue
    open_page(browser, valid[0][0].query())
    for setting, layer in valid[:HOVERED_LAYERS]:
        browser.execute_async_script(SHOW, setting.query())
        unit = rng.randrange(layer.n_out)
        target = browser.find_element(By.CSS_SELECTOR, f'[data-out="{unit}"]')
        hover(browser, target)
        lit = {int(e.get_attribute("data-in"))
               for e in browser.find_elements(By.CSS_SELECTOR, "[data-in].sx-rf")}
        assert lit == set(layer.receptive_field(unit)), (setting, unit)
        entries = len(layer.matrix()[unit, :].todok())
        rows = [int(e.get_attribute("data-row"))
                for e in browser.find_elements(By.CSS_SELECTOR, ".sx-cell.sx-on")]
        assert rows == [unit] * entries, (setting, unit)
        lines = browser.find_elements(By.CSS_SELECTOR, ".sx-lit-lines line.sx-on")
        assert len(lines) == entries, (setting, unit)
    # a matrix cell lights the one connection it stands for
    setting = Setting.from_query("dims=2&n=4&k=2&stride=2")
    browser.execute_async_script(SHOW, setting.query())
    cell = browser.find_element(By.CSS_SELECTOR, '.sx-cell[data-row="1"][data-col="3"]')
    hover(browser, cell)
    picked = browser.find_elements(By.CSS_SELECTOR, ".sx-lit-lines line.sx-pick")
    assert [p.get_attribute("data-cell") for p in picked] == [cell.get_attribute("data-cell")]
    ends = browser.find_elements(By.CSS_SELECTOR, ".sx-end")
    assert {(e.get_attribute("data-in"), e.get_attribute("data-out")) for e in ends} == {
        ("3", None), (None, "1")}


def test_the_data_is_small() -> None:
    files = list((SITE / "explorer" / "data").glob("*.js"))
    assert len(files) == len(SITE_RANGES["dims"]) * len(SITE_RANGES["n"]) * 2
    assert sum(f.stat().st_size for f in files) < 5_000_000


def test_keyboard_changes_the_layer_and_steps_the_kernel(browser: Any) -> None:
    open_page(browser, "dims=1&n=5&k=2&stride=1&padding=0&dilation=1&mode=zeros&transposed=0")
    browser.find_element(By.CSS_SELECTOR, 'input[name="k"][value="2"]').send_keys(Keys.ARROW_RIGHT)
    browser.execute_async_script(
        SHOW, "dims=1&n=5&k=3&stride=1&padding=0&dilation=1&mode=zeros&transposed=0")
    assert "k=3" in urlsplit(browser.current_url).query
    slider = browser.find_element(By.CSS_SELECTOR, ".sx-unit")
    for _ in range(2):
        browser.find_element(By.CSS_SELECTOR, ".sx-next").click()
    lit = {int(e.get_attribute("data-in"))
           for e in browser.find_elements(By.CSS_SELECTOR, "[data-in].sx-rf")}
    assert slider.get_attribute("value") == "1"
    assert lit == {1, 2, 3}  # Conv1d((1, 5), 1, 3): output 2 reads x_2, x_3, x_4
    slider.send_keys(Keys.ARROW_RIGHT)
    lit = {int(e.get_attribute("data-in"))
           for e in browser.find_elements(By.CSS_SELECTOR, "[data-in].sx-rf")}
    assert lit == {2, 3, 4}


def test_the_page_makes_no_request_off_the_machine(browser: Any) -> None:
    browser.get_log("performance")  # drop what earlier tests logged
    open_page(browser, "dims=2&n=8&k=5&stride=3&padding=3&dilation=3&mode=zeros&transposed=1")
    for setting in random_settings(20, seed=7):
        browser.execute_async_script(SHOW, setting.query())
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    assert any(url.endswith(".js") and "/explorer/data/" in url for url in urls)
    off = [url for url in urls if urlsplit(url).scheme not in ("file", "data", "blob")]
    assert not off, "the explorer reached off the machine:\n" + "\n".join(off)
    errors = [e["message"] for e in browser.get_log("browser")
              if e["level"] == "SEVERE" and "/explorer/" in e["message"]]
    assert not errors, errors


@pytest.mark.parametrize("width", [400, 768, 1280])
def test_screenshots_and_narrow_layout(browser: Any, width: int) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(width, 1400)
    try:
        for name, query in {
            "transposed-2d": "dims=2&n=3&k=3&stride=2&padding=1&dilation=1&mode=zeros"
                             "&transposed=1",
            "circular-folded": "dims=1&n=4&k=5&stride=1&padding=2&dilation=1&mode=circular"
                               "&transposed=0",
        }.items():
            open_page(browser, query)
            browser.find_element(By.CSS_SELECTOR, ".sx-next").click()
            root = browser.find_element(By.ID, "sx")
            overflow = browser.execute_script(
                "const r = arguments[0]; return r.scrollWidth - r.clientWidth;", root)
            assert overflow <= 1, f"the explorer is wider than a {width} px window"
            browser.execute_script("arguments[0].scrollIntoView()", root)
            png = OUTPUT / f"explorer-{name}-{width}.png"
            assert browser.save_screenshot(str(png)), png
    finally:
        browser.set_window_size(1280, 1000)
