"""The report of `lapicque demo`, opened in headless Chromium: every image loads, the page logs
no console error, and a screenshot is kept (build/test-artifacts/report.png)."""

import shutil

import pytest

from lapicque import demo


@pytest.fixture(scope="module")
def report(artifacts):
    directory = artifacts / "report"
    shutil.rmtree(directory, ignore_errors=True)
    return demo.build(str(directory), quiet=True)


def test_every_section_and_figure_is_in_the_page(report):
    text = open(report, encoding="utf-8").read()
    for title in ("The first LIF neuron", "G[J]", "five inputs", "Hodgkin-Huxley against LIF",
                  "Izhikevich", "Naud", "Euler against exact"):
        assert title in text, title
    assert text.count("<img ") >= 14
    assert text.count("<figcaption>") == text.count("<img ")
    assert "_ _ _" in text and "|" in text  # seed 003's spike-train printout


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
        pytest.fail("Debian's chromium and chromium-driver are needed (tools/install-deps installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,2400"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    from selenium.webdriver.chrome.service import Service
    service = Service(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def test_the_report_renders_in_chromium(report, browser, artifacts):
    browser.get("file://" + report)
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]);")
    assert len(images) >= 14
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"images that did not load: {broken}"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"console errors: {errors}"
    assert browser.save_screenshot(str(artifacts / "report.png"))
