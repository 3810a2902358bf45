"""Helpers for the browser journeys (`make e2e`): a real headless Chromium from Debian's
packages, axe-core from npm injected into each page, every request the page makes checked
against the live server's host, and screenshots a person can look at.

Nothing here downloads anything: the browser and driver are /usr/bin/chromium and
/usr/bin/chromedriver (installed by .ci/install-browser), axe-core comes from `npm ci`.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core import mail
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "e2e-screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Seconds to wait for a page or a script; generous, because a loaded CI machine is slow.
WAIT = 20

PHONE = (390, 844)
DESKTOP = (1280, 900)

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-default-apps",
    "--disable-extensions",
    "--lang=nl",
]

LOGIN_CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


def require_browser_tools() -> None:
    """Skip locally when Chromium or axe-core is missing; fail in CI (OPO_REQUIRE_SERVICES=1)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER, AXE_JS) if not p.exists()]
    if not missing:
        return
    hint = "run .ci/install-browser and `npm ci` (make e2e does both)"
    if os.environ.get("OPO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"browser journeys need {', '.join(missing)}: {hint}")
    pytest.skip(f"missing {', '.join(missing)}: {hint}")


def chromium_options(size: tuple[int, int], profile_dir: str, download_dir: str):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--window-size={size[0]},{size[1]}")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": download_dir,
            "download.prompt_for_download": False,
            "intl.accept_languages": "nl,en",
        },
    )
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return options


@dataclass
class Browser:
    """One journey's browser: open pages, check them, save screenshots."""

    driver: webdriver.Chrome
    base_url: str
    journey: str
    download_dir: Path
    profile_dir: Path
    requested_urls: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    document_csp: list[str] = field(default_factory=list)
    shots: int = 0

    # --- navigation ------------------------------------------------------------
    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self.wait_until_loaded()

    def wait_until_loaded(self) -> None:
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def wait_for_path(self, path: str, timeout: float = WAIT) -> None:
        try:
            WebDriverWait(self.driver, timeout).until(lambda d: self.path == path)
        except TimeoutException:
            pytest.fail(f"expected to arrive at {path}, still at {self.path}")
        self.wait_until_loaded()

    def wait_for_path_matching(self, pattern: str, timeout: float = WAIT) -> re.Match:
        try:
            WebDriverWait(self.driver, timeout).until(lambda d: re.fullmatch(pattern, self.path))
        except TimeoutException:
            pytest.fail(f"expected a page like {pattern}, still at {self.path}")
        self.wait_until_loaded()
        return re.fullmatch(pattern, self.path)

    @property
    def path(self) -> str:
        return urlsplit(self.driver.current_url).path

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self) -> str:
        return self.find("body").text

    @contextmanager
    def new_page(self, timeout: float = WAIT):
        """Wait, after the block, until the browser has left the current document and
        loaded the next one, even when the next page has the same address (a form that
        redirects back to itself). A new document has a new window object, so the mark
        set on this one disappears."""
        mark = uuid.uuid4().hex
        self.driver.execute_script("window.__e2ePage = arguments[0];", mark)
        yield

        def arrived(driver) -> bool:
            try:
                return (
                    driver.execute_script(
                        "return window.__e2ePage !== arguments[0] && document.readyState;", mark
                    )
                    == "complete"
                )
            except WebDriverException:  # between two documents
                return False

        try:
            WebDriverWait(self.driver, timeout).until(arrived)
        except TimeoutException:
            pytest.fail(f"no new page was loaded; still at {self.path}")

    def click(self, css: str) -> None:
        self.find(css).click()

    def submit(self, css: str) -> None:
        """Click a submit button and wait for the page the server answers with."""
        with self.new_page():
            self.click(css)

    def follow(self, href: str) -> None:
        """Click the first link to href (a path) and wait for the page."""
        with self.new_page():
            self.find(f"a[href='{href}']").click()
        self.wait_for_path(href.split("?")[0].split("#")[0])

    def wait_for_download(self, timeout: float = WAIT) -> Path:
        """The one finished file in the download folder."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [p for p in self.download_dir.iterdir() if not p.name.endswith(".crdownload")]
            if done:
                return done[0]
            time.sleep(0.2)
        pytest.fail(f"nothing was downloaded within {timeout} s")

    # --- the checks every page of a journey passes ---------------------------
    def check_page(self, name: str) -> None:
        """axe WCAG 2.1 AA, own-host-only requests, no console errors, then a screenshot."""
        self.wait_until_loaded()
        self.assert_no_axe_violations(name)
        self.assert_only_own_host(name)
        self.assert_csp_enforced(name)
        self.assert_no_console_errors(name)
        self.screenshot(name)

    def assert_no_axe_violations(self, name: str) -> None:
        self.driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
              .then(r => done({violations: r.violations, passes: r.passes.length}))
              .catch(e => done({error: String(e)}));
            """,
            WCAG_21_AA,
        )
        assert "error" not in result, f"axe failed on {name}: {result.get('error')}"
        assert result["passes"] > 0, f"axe checked nothing on {name}"
        violations = result["violations"]
        assert not violations, f"axe found violations on {name} ({self.path}):\n" + "\n".join(
            describe_violation(v) for v in violations
        )

    def collect_network(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                self.requested_urls.append(message["params"]["request"]["url"])
            elif message.get("method") == "Network.responseReceived":
                self._note_document_csp(message["params"])
        for entry in self.driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                self.console_errors.append(entry.get("message", ""))

    def assert_only_own_host(self, name: str = "") -> None:
        self.collect_network()
        own = urlsplit(self.base_url)
        own_host = (own.hostname, own.port)
        assert any(urlsplit(u).hostname == own.hostname for u in self.requested_urls), (
            "no requests were recorded: performance logging is not working"
        )
        foreign = [
            url
            for url in self.requested_urls
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and (urlsplit(url).hostname, urlsplit(url).port) != own_host
        ]
        assert not foreign, f"page {name} requested other hosts: {foreign}"

    def _note_document_csp(self, params: dict) -> None:
        if params.get("type") != "Document":
            return
        headers = {k.lower(): v for k, v in params["response"].get("headers", {}).items()}
        self.document_csp.append(headers.get("content-security-policy", ""))

    def assert_csp_enforced(self, name: str) -> None:
        """The page came with the portal's CSP (issue 10); a violation of it is a console
        error, which assert_no_console_errors reports."""
        self.collect_network()
        assert self.document_csp, f"no document response recorded for {name}"
        csp = self.document_csp[-1]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, (name, csp)

    def expect_refused(self, path: str) -> None:
        """The form's answer is a 400 (the form with its error), which Chromium reports as
        a console error of its own; any other console error still fails the page."""
        self.collect_network()
        self.console_errors = [
            error
            for error in self.console_errors
            if not (path in error and "status of 400" in error)
        ]

    def assert_no_console_errors(self, name: str) -> None:
        self.collect_network()
        errors, self.console_errors = self.console_errors, []
        assert not errors, f"console errors on {name}: {errors}"

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Save the page as e2e-screenshots/<journey>-NN-<name>.png: all of it, or only
        what the screen shows now (full_page=False, for pictures in the README)."""
        self.shots += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{self.journey}-{self.shots:02d}-{name}.png"
        if full_page:
            width, height = self.driver.execute_script(
                "return [document.documentElement.clientWidth,"
                " Math.max(document.documentElement.scrollHeight, window.innerHeight)]"
            )
            clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
            options = {"format": "png", "captureBeyondViewport": True, "clip": clip}
        else:
            options = {"format": "png"}
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", options)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def scroll_to(self, css: str) -> None:
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -12);",
            self.find(css),
        )

    # --- keyboard-only use -----------------------------------------------------
    @property
    def focused(self) -> WebElement:
        return self.driver.switch_to.active_element

    def press(self, *keys: str) -> None:
        ActionChains(self.driver).send_keys(*keys).perform()

    def type_text(self, text: str) -> None:
        """Type into whatever has the focus, as a person at a keyboard would."""
        ActionChains(self.driver).send_keys(text).perform()

    def tab_to(self, css: str, *, max_steps: int = 40, backwards: bool = False) -> WebElement:
        """Press Tab until an element matching css has the focus. Every step must move the
        focus to a new element that shows a visible focus indicator."""
        target = set(self.find_all(css))
        assert target, f"nothing on {self.path} matches {css}"
        previous = self.focused
        for _ in range(max_steps):
            if backwards:
                ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(
                    Keys.SHIFT
                ).perform()
            else:
                self.press(Keys.TAB)
            current = self.focused
            assert current != previous, f"Tab did not move the focus on {self.path}"
            self.assert_focus_visible(current)
            if current in target:
                return current
            previous = current
        pytest.fail(f"{css} not reached with {max_steps} presses of Tab on {self.path}")

    def choose_radio(self, name: str, value: str) -> WebElement:
        """Tab into a radio group, then pick a value with the arrow keys or Space."""
        self.tab_to(f"input[type=radio][name='{name}']", max_steps=80)
        for _ in range(10):
            if self.focused.get_attribute("value") == value:
                break
            self.press(Keys.ARROW_DOWN)
        chosen = self.focused
        assert chosen.get_attribute("value") == value, f"no {value} in radio group {name}"
        if not chosen.is_selected():
            self.press(Keys.SPACE)
        assert chosen.is_selected(), f"{name}={value} is not selected"
        self.assert_focus_visible(chosen)
        return chosen

    def assert_focus_visible(self, element: WebElement) -> None:
        style = self.driver.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),"
            " shadow: s.boxShadow, visible: arguments[0].matches(':focus-visible')};",
            element,
        )
        described = element.get_attribute("outerHTML")[:120]
        assert style["visible"], f"focus is not :focus-visible on {described}"
        outlined = style["outline"] != "none" and style["width"] >= 2
        assert outlined or style["shadow"] != "none", f"no visible focus ring on {described}"
        in_view = self.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;",
            element,
        )
        assert in_view, f"focused element is not on screen: {described}"


def describe_violation(violation: dict) -> str:
    lines = [
        f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
    ]
    for node in violation["nodes"][:5]:
        lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
        if node.get("failureSummary"):
            lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def start_browser(live_server_url: str, journey: str, size: tuple[int, int]) -> Browser:
    require_browser_tools()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download anything
    profile_dir = tempfile.mkdtemp(prefix="opo-e2e-profile-")
    download_dir = tempfile.mkdtemp(prefix="opo-e2e-downloads-")
    driver = webdriver.Chrome(
        options=chromium_options(size, profile_dir, download_dir),
        service=Service(str(CHROMEDRIVER)),
    )
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Network.enable", {})
    # Headless Chromium keeps windows at least 500 px wide; emulate the exact viewport.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size == PHONE},
    )
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir}
    )
    for stale in SCREENSHOTS.glob(f"{journey}-[0-9][0-9]-*.png"):
        stale.unlink()
    return Browser(
        driver=driver,
        base_url=live_server_url,
        journey=journey,
        download_dir=Path(download_dir),
        profile_dir=Path(profile_dir),
    )


def stop_browser(browser: Browser) -> None:
    try:
        browser.driver.quit()
    finally:
        shutil.rmtree(browser.profile_dir, ignore_errors=True)
        shutil.rmtree(browser.download_dir, ignore_errors=True)


# --- logging in -----------------------------------------------------------------


CAST_PASSWORD = "correct horse 42"  # noqa: S105 - the test cast's password (conftest.make_user)


def log_in_with_password_and_totp(browser: Browser, user, password: str = CAST_PASSWORD):
    """Staff log in as they do every day: e-mail and password, then the authenticator code."""
    browser.open("/accounts/login/")
    browser.find("input[name=login]").send_keys(user.email)
    browser.find("input[name=password]").send_keys(password)
    browser.submit("form[action='/accounts/login/'] button[type=submit]")
    browser.wait_for_path("/accounts/2fa/authenticate/")
    browser.check_page("totp")
    browser.find("input[name=code]").send_keys(current_totp_code(user))
    browser.submit("form[action='/accounts/2fa/authenticate/'] button[type=submit]")


def current_totp_code(user) -> str:
    """The code the user's authenticator app shows now (allauth's own TOTP algorithm)."""
    from allauth.mfa import app_settings

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    # allauth accepts only the current period's code (no tolerance): never type a code that
    # expires before the form arrives at the server.
    if app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD < 5:
        time.sleep(app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD + 0.1)
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def login_cookie(user) -> dict:
    """A session cookie for user, for journeys that start after logging in (issue 12)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "path": "/",
    }


def latest_login_code(email: str) -> str:
    messages = [m for m in mail.outbox if email in m.to]
    assert messages, f"no e-mail was sent to {email}"
    match = LOGIN_CODE.search(messages[-1].body)
    assert match, f"no login code in the e-mail to {email}"
    return match.group(1)
