"""The dashboard in a real browser: Debian's chromium, driven by Playwright, against molt's web
server on 127.0.0.1 and the fake GitHub's sign-in pages. Screenshots at laptop and phone widths
go to ``screenshots/`` at the top of the checkout (ignored by git).

Skipped where chromium is not installed: ``apt-get install chromium``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from app.dashboard.states import State
from app.server import create_app
from tests.app.dashboard.conftest import row
from tests.app.test_jobs import Server

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium: apt-get install chromium"
)
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
OURS, THEIRS = 11, 22
STATES = {
    "acme/api": (State.OPEN, {"pull_number": 4, "ci": "success", "oldest": "3.9"}),
    "acme/cli": (State.OPEN, {"pull_number": 7, "ci": "failure", "oldest": "3.10"}),
    "acme/web": (State.MERGED, {"pull_number": 2, "floor": "3.11"}),
    "acme/lib": (State.UP_TO_DATE, {"floor": "3.11"}),
    "acme/tools": (State.FAILED, {"reason": "someone else pushed to the branch"}),
    "acme/old": (State.IGNORED, {"pull_number": 9}),
    "acme/site": (State.NO_PYTHON, {}),
    "acme/private": (State.OPEN, {"pull_number": 1, "oldest": "3.9"}),
    "globex/core": (State.OPEN, {"pull_number": 5, "oldest": "3.8"}),
}


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def site(fake_github, settings, store):
    fake_github.add_installation(OURS, "acme")
    fake_github.add_installation(THEIRS, "globex")
    for full_name, (state, fields) in STATES.items():
        installation = OURS if full_name.startswith("acme/") else THEIRS
        fake_github.add_repo(full_name, {"setup.py": ""}, installation_id=installation)
        store.put(row(installation, full_name, state, **fields))
    visible = [name for name in STATES if name.startswith("acme/") and name != "acme/private"]
    fake_github.add_user("alice", installations=[OURS], repos=visible)
    fake_github.add_user("bob", installations=[THEIRS])
    server = Server(create_app(settings, lambda event: None, states=store))
    fake_github.oauth.callback_url = f"{server.url}/login/callback"
    yield server
    server.close()
    # chromium sometimes asks for a favicon past Playwright's routing; anything else is a fault
    errors = fake_github.take_errors()
    assert [e for e in errors if not e.startswith("GET /favicon.ico:")] == []


def accessible(fake_github, login):
    """The repositories the fake GitHub says ``login`` can access, asked as ``login``."""
    headers = {"Authorization": f"Bearer {fake_github.user_token(login)}"}
    api = httpx.Client(base_url=fake_github.url, headers=headers)
    names = set()
    for installation in api.get("/user/installations").json()["installations"]:
        listed = api.get(f"/user/installations/{installation['id']}/repositories").json()
        names |= {repo["full_name"] for repo in listed["repositories"]}
    return names


def new_page(browser, viewport, **options):
    """A page in a fresh context; browsers ask every host for a favicon, neither has one."""
    context = browser.new_context(viewport=viewport, **options)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return context, context.new_page()


def sign_in(page, server, login):
    page.goto(f"{server.url}/")
    assert page.url == f"{server.url}/login"
    page.get_by_role("link", name="Sign in with GitHub").click()
    page.get_by_role("button", name=f"Sign in as {login}").click()
    page.wait_for_url(f"{server.url}/")


def rows(page):
    return set(page.locator("tr.row").evaluate_all("rows => rows.map(r => r.dataset.repo)"))


def test_sign_in_filter_and_follow_a_pull_request(browser, site, fake_github):
    context, page = new_page(browser, LAPTOP)
    sign_in(page, site, "alice")
    assert (
        rows(page)
        == accessible(fake_github, "alice")
        == {
            "acme/api",
            "acme/cli",
            "acme/web",
            "acme/lib",
            "acme/tools",
            "acme/old",
            "acme/site",
        }
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard-laptop.png", full_page=True)

    page.get_by_role("link", name="pull request open").click()
    page.wait_for_url(f"{site.url}/?state=pull-request-open")
    assert rows(page) == {"acme/api", "acme/cli"}

    opened = []
    page.route(
        f"{fake_github.url}/**/pull/*",
        lambda route: (
            opened.append(route.request.url)
            or route.fulfill(body="<h1>pull request</h1>", content_type="text/html")
        ),
    )
    page.locator('tr[data-repo="acme/cli"] a.pull').click()
    page.wait_for_url(f"{fake_github.url}/acme/cli/pull/7")
    assert opened == [f"{fake_github.url}/acme/cli/pull/7"]
    context.close()


def test_phone_width_reads_without_sideways_scrolling(browser, site):
    context, page = new_page(browser, PHONE, is_mobile=True, has_touch=True)
    sign_in(page, site, "alice")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("thead").is_hidden()  # rows become labelled blocks
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard-phone.png", full_page=True)
    context.close()


def test_another_user_sees_only_their_installation(browser, site, fake_github):
    context, page = new_page(browser, LAPTOP)
    sign_in(page, site, "bob")
    assert rows(page) == accessible(fake_github, "bob") == {"globex/core"}
    answer = page.goto(f"{site.url}/installations/{OURS}")
    assert answer.status == 404
    assert "acme" not in page.content()
    context.close()


def test_sign_out(browser, site):
    context, page = new_page(browser, LAPTOP)
    sign_in(page, site, "alice")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{site.url}/login")
    page.goto(f"{site.url}/")
    assert page.url == f"{site.url}/login"
    context.close()
