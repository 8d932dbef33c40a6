"""Browser tests: Debian's Chromium driven by Playwright against the demo, served for real.

The server is the one a user starts with ``make demo``: a separate process running
``aiguillage runserver`` on a fresh database (SQLite, or a throwaway PostgreSQL database when the
suite runs on PostgreSQL) prepared with ``aiguillage migrate`` and ``aiguillage demo``. The tests
never touch the pytest database, so they see exactly what a person would see.

Chromium comes from Debian (``/usr/bin/chromium``); Playwright never downloads a browser. When it
is missing the tests are skipped locally and fail in CI (``AIGUILLAGE_BROWSER_TESTS=required``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

CHROMIUM = os.environ.get("AIGUILLAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"
CLI = str(Path(sys.executable).with_name("aiguillage"))


def _require_browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium absent ({CHROMIUM}) : lancez « make browser-deps »."
        if os.environ.get("AIGUILLAGE_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_database_url(tmp: Path) -> str:
    """SQLite in a temp folder, or a fresh PostgreSQL database next to the suite's own."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'browser.sqlite3'}"
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_browser"
    admin = urlunparse(parsed._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path="/" + name))


@pytest.fixture(scope="session")
def demo_environment(tmp_path_factory) -> tuple[dict[str, str], Path]:
    """The environment of ``make demo`` on a fresh database, migrated and loaded."""
    _require_browser()
    tmp = tmp_path_factory.mktemp("demo-server")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="1",
        AIGUILLAGE_DEMO="1",
        AIGUILLAGE_VAR_DIR=str(tmp),
        DATABASE_URL=_server_database_url(tmp),
    )
    for step in (["migrate", "--noinput", "-v0"], ["demo"]):
        done = subprocess.run([CLI, *step], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return env, tmp


def _serve(env: dict[str, str], log_path: Path, *options: str):
    """``aiguillage runserver`` on a free port, once ``/sante/`` answers; stopped at the end."""
    port = _free_port()
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [CLI, "runserver", f"127.0.0.1:{port}", "--noreload", *options],
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/sante/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("Le serveur n'a pas démarré : " + log_path.read_text())
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def demo_server(demo_environment):
    env, tmp = demo_environment
    yield from _serve(env, tmp / "server.log")


@pytest.fixture(scope="session")
def deployed_server(demo_environment):
    """The same database served as in production (``DEBUG=0``, after ``collectstatic`` as the
    README's deployment says; WhiteNoise serves the hashed files): the app's own error pages
    instead of Django's technical ones. Cookies not marked secure: the test speaks plain HTTP."""
    env, tmp = demo_environment
    env = env | {
        "DEBUG": "0",
        "SECRET_KEY": "cle-des-tests-de-navigateur-uniquement-" + "x" * 20,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
    }
    done = subprocess.run(
        [CLI, "collectstatic", "--noinput", "-v0"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    yield from _serve(env, tmp / "deployed-server.log")


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Contexts ask for reduced motion (Bootstrap then drops its transitions) and the audit waits for
# any animation still running: axe-core measured a button's contrast half-way through the colour
# transition from Bootstrap's blue to the theme's when the copied page's stylesheets arrived one
# after the other (CI, stop 9).
_ANIMATIONS_DONE = "() => Promise.all(document.getAnimations().map((a) => a.finished))"


def no_javascript_page(browser, **options):
    """A page with JavaScript disabled, as some people browse (and as the portal must work)."""
    context = browser.new_context(
        java_script_enabled=False, locale="fr-FR", reduced_motion="reduce", **options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.aiguillage_no_js = True
    return page


def _axe_target(page):
    """axe-core needs JavaScript: for a page without it, audit a copy of the same DOM (with the
    same stylesheets, through a <base>) in a JavaScript-enabled page of the same browser."""
    if not getattr(page, "aiguillage_no_js", False):
        return page, None
    context = page.context.browser.new_context(
        locale="fr-FR", viewport=page.viewport_size, reduced_motion="reduce"
    )
    copy = context.new_page()
    html = page.content().replace("<head>", f'<head><base href="{page.url}">', 1)
    copy.set_content(html, wait_until="load")
    return copy, context


def check_accessibility(axe, page, name: str) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) and save a full-page screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    target, context = _axe_target(page)
    try:
        target.evaluate(_ANIMATIONS_DONE)
        results = axe.run(
            target,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
    finally:
        if context is not None:
            context.close()
    assert results.violations_count == 0, f"{name} ({page.url}):\n{results.generate_report()}"
