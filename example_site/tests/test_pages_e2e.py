"""End to end: the quickstart's own steps (migrate, seed_demo, runserver) on a fresh SQLite file, then
the pages in headless Chromium through Selenium, with a screenshot of each in ``example_site/screenshots/``.

Needs ``selenium`` (the root dev extra) and Chromium with its driver (Debian: ``apt-get install chromium
chromium-driver``; other paths through ``CHROMIUM_BINARY`` and ``CHROMEDRIVER``); skipped with the reason
otherwise. The server runs in its own process on its own database, so this test never touches the test
database (whose append-only tables SQLite could not flush).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parent.parent
SCREENSHOTS = SITE / "screenshots"

pytestmark = pytest.mark.e2e
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")


def _find(variable: str, *names: str) -> str | None:
    if os.environ.get(variable):
        return os.environ[variable] if os.path.exists(os.environ[variable]) else None
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _find("CHROMIUM_BINARY", "chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER = _find("CHROMEDRIVER", "chromedriver")
if not CHROMIUM or not CHROMEDRIVER:
    pytest.skip(
        f"headless Chromium is not available (chromium: {CHROMIUM}, chromedriver: {CHROMEDRIVER}); "
        "install the Debian packages chromium and chromium-driver",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``manage.py migrate``, ``seed_demo``, ``run_walkthrough``, then ``runserver`` on a free port."""
    scratch = tmp_path_factory.mktemp("example-site-e2e")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch / 'e2e.sqlite3'}",
        "DJANGO_DEBUG": "1",
        "MEDIA_ROOT": str(scratch / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(SITE / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"], ["run_walkthrough"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, cwd=SITE)
    port = _free_port()
    log = open(scratch / "runserver.log", "w")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, stdout=log, stderr=log, cwd=SITE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"runserver exited: {(scratch / 'runserver.log').read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    SCREENSHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def _shoot(browser, name: str) -> None:
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1400, max(1000, min(height + 120, 4000)))
    assert browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    browser.set_window_size(1400, 1000)


def _text(browser) -> str:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # After a click the browser may still be swapping the page: read the body of the page that stays.
    return WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: b.find_element(By.TAG_NAME, "body").text
    )


def _until_url_ends_with(browser, suffix: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith(suffix))


def test_the_api_answers_with_a_token(server):
    request = urllib.request.Request(
        server + "/api/v1/auth/token/",
        data=json.dumps({"username": "demo", "password": "demo"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    token = json.load(urllib.request.urlopen(request))["token"]
    for path in ("/api/v1/", "/api/v1/schema/"):
        answer = urllib.request.urlopen(
            urllib.request.Request(server + path, headers={"Authorization": f"Token {token}"})
        )
        assert answer.status == 200, path


def test_pages(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert "Riverside Clinic" in browser.title
    _shoot(browser, "01-home")

    browser.find_element(By.ID, "page-board").click()  # not signed in: the login page first
    browser.find_element(By.ID, "id_username").send_keys("demo")
    browser.find_element(By.ID, "id_password").send_keys("demo")
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    _until_url_ends_with(browser, "/board/")
    board = _text(browser)
    assert "Encounter board" in board and "Checked in" in board and "Maria Gomez" in board
    assert "INV-" in board  # the walk-through's invoice
    _shoot(browser, "02-encounter-board")

    browser.get(server + "/stock/")
    rows = browser.find_elements(By.CSS_SELECTOR, "table#expiring tbody tr.expiring")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows] == ["AMX-2401", "IBU-2311"]
    assert "expires soon" in _text(browser)
    _shoot(browser, "03-stock-levels")

    browser.get(server + "/ledger/trial-balance/")
    assert browser.find_element(By.ID, "balanced").text.startswith("Balanced")
    assert "Accounts receivable" in _text(browser)
    _shoot(browser, "04-trial-balance")

    browser.get(server + "/budget/")
    assert "Medical supplies" in _text(browser)
    assert browser.find_element(By.ID, "income").text.startswith("77.00")  # the walk-through's invoice
    _shoot(browser, "05-budget-month")

    browser.get(server + "/settlements/")
    transfers = browser.find_element(By.ID, "transfers-EUR").text
    assert "Riverside Cleaning Co." in transfers and "450.00 EUR" in transfers
    assert "25.00 USD" in browser.find_element(By.ID, "transfers-USD").text
    _shoot(browser, "06-who-owes-whom")

    browser.get(server + "/api/v1/docs/")
    browser.find_element(By.CSS_SELECTOR, ".swagger-ui .opblock")  # Swagger UI rendered the schema
    assert "/api/v1/clinic/visits/{id}/invoice/" in _text(browser)
    _shoot(browser, "07-api-docs")

    browser.get(server + "/api/v1/")
    assert "ledger trial balance" in _text(browser)
    _shoot(browser, "08-api-root")

    browser.get(server + "/admin/")
    assert "Site administration" in _text(browser)
    _shoot(browser, "09-admin")
    assert len(list(SCREENSHOTS.glob("0*.png"))) >= 9


ROLE_PAGES = {
    # username: the pages the role opens (the others answer 403)
    "demo": ["board", "stock", "trial-balance", "budget", "settlements"],
    "vet": ["board", "stock"],
    "accountant": ["board", "trial-balance", "budget", "settlements"],
    "auditor": ["board", "stock", "trial-balance", "budget", "settlements"],
}
PAGE_PATHS = {
    "board": "/board/",
    "stock": "/stock/",
    "trial-balance": "/ledger/trial-balance/",
    "budget": "/budget/",
    "settlements": "/settlements/",
}


@pytest.mark.parametrize("username", sorted(ROLE_PAGES))
def test_each_role_sees_exactly_its_pages(server, browser, username):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(server + "/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys("demo")
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(browser, 10).until(lambda b: "/accounts/login/" not in b.current_url)  # signed in
    browser.get(server + "/")
    cards = [card.get_attribute("id") for card in browser.find_elements(By.CSS_SELECTOR, "a.card")]
    assert cards == [f"page-{name}" for name in ROLE_PAGES[username]]
    nav = [link.get_attribute("id") for link in browser.find_elements(By.CSS_SELECTOR, "nav a[id^='nav-']")]
    assert nav == [f"nav-{name}" for name in ROLE_PAGES[username]]
    _shoot(browser, f"10-home-{username}")
    for name, path in PAGE_PATHS.items():
        browser.get(server + path)
        heading = browser.find_element(By.TAG_NAME, "h1").text
        if name in ROLE_PAGES[username]:
            assert heading != "Not allowed", (username, path)
        else:
            assert heading == "Not allowed", (username, path)
