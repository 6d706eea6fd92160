"""The inspector page in a real browser: Debian's Chromium driven by Playwright, against a mock
on a loopback port. Requests appear as they are made, an entry opens with its request, answer,
problems and curl command, a rule added in the page fires, reset restores the data, and the page
works behind the admin token. (`make test` installs Chromium when missing; never skipped.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from mockserver import Settings
from mockserver.testing import MockService, serve_on_port
from tests.vendors.test_hapihub import AS_DOCTOR, DOCTOR, PATIENT

CHROMIUM = "/usr/bin/chromium"
SESSIONS = "/chatkitty/chat-sessions"
HAPI = "/hapihub/chat-sessions"
TOKEN = "inspector-test-token"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def mock() -> Iterator[MockService]:
    service = serve_on_port(Settings())
    yield service
    service.close()


@pytest.fixture
def page(browser: Browser, mock: MockService) -> Iterator[Page]:
    mock.call("DELETE", "/journal")
    mock.call("DELETE", "/rules")
    mock.call("POST", "/reset")
    context = browser.new_context(base_url=mock.url, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def journal_rows(page: Page) -> list[str]:
    return [row.inner_text() for row in page.locator("#journal tbody tr").all()]


def test_requests_appear_as_they_are_made_and_open_with_everything(
    page: Page, mock: MockService
) -> None:
    page.goto("/__admin/")
    expect(page.locator("#journal-empty")).to_be_visible()
    with httpx.Client(base_url=mock.url) as client:
        token = client.post(
            "/chatkitty/oauth/token",
            auth=("demo-client", "demo-secret"),
            data={"grant_type": "client_credentials"},
        ).json()["access_token"]
        client.get(
            SESSIONS,
            params={"state": "PAUSED"},
            headers={"Authorization": f"Bearer {token}"},
        )
    refused = page.locator("#journal tbody tr", has_text="state=PAUSED")
    expect(refused).to_have_count(1)  # arrived without reloading the page
    expect(page.locator("#journal tbody tr")).to_have_count(2)
    assert "400" in refused.inner_text()

    refused.click()
    expect(page.locator("#entry")).to_be_visible()
    expect(page.locator("#entry-explain")).to_contain_text(
        f"GET {SESSIONS}?state=PAUSED was refused with 400:"
    )
    expect(page.locator("#entry-explain")).to_contain_text(
        "query parameter 'state' must be one of ACTIVE, ENDED, got 'PAUSED'"
    )
    expect(page.locator("#entry-line")).to_contain_text("operation listChatSessions")
    expect(page.locator("#entry-request")).to_contain_text("authorization: [redacted]")
    expect(page.locator("#entry-response")).to_contain_text('"error": "ClientError"')
    curl = page.locator("#entry-curl").inner_text()
    assert curl.startswith(f"curl '{mock.url}{SESSIONS}?state=PAUSED'")
    assert "-H 'authorization: [redacted]'" in curl
    assert token not in page.content()


def test_filters_narrow_the_journal(page: Page, mock: MockService) -> None:
    with httpx.Client(base_url=mock.url) as client:
        client.get(SESSIONS)  # 401
        client.get("/twin/api/v1/sessions", headers={"Mock-Namespace": "team-b"})
    page.goto("/__admin/")
    expect(page.locator("#journal tbody tr")).to_have_count(1)  # team-b's is in its own journal
    page.select_option("#filter-api", "twin")
    expect(page.locator("#journal tbody tr")).to_have_count(0)
    page.select_option("#filter-api", "")
    page.fill("#filter-namespace", "team-b")
    page.press("#filter-namespace", "Tab")
    expect(page.locator("#journal tbody tr")).to_have_count(1)
    expect(page.locator("#journal tbody tr")).to_contain_text("/twin/api/v1/sessions")


def test_a_rule_added_in_the_page_fires_and_is_removed(page: Page, mock: MockService) -> None:
    page.goto("/__admin/")
    page.fill("#rule-path", "/twin")
    page.fill("#rule-status", "503")
    page.click("#rule-form button[type=submit]")
    rule = page.locator("#rules tbody tr")
    expect(rule).to_have_count(1)
    expect(rule).to_contain_text("status 503")
    with httpx.Client(base_url=mock.url) as client:
        assert client.get("/twin/api/v1/sessions").status_code == 503
    expect(rule.locator(".fired")).to_have_text("1 / 1")  # polled, no reload
    expect(page.locator("#journal tbody tr", has_text="503")).to_have_count(1)

    rule.get_by_role("button", name="Remove").click()
    expect(page.locator("#rules tbody tr")).to_have_count(0)
    assert mock.call("GET", "/rules")["rules"] == []


def test_state_shows_counts_and_a_record_and_reset_restores_it(
    page: Page, mock: MockService
) -> None:
    page.goto("/__admin/")
    count = page.locator('[data-collection="hapihub/sessions"]')
    fixtures = int(count.inner_text())
    with httpx.Client(base_url=mock.url) as client:
        body = {"participants": [PATIENT["uid"], DOCTOR["uid"]], "room": "inspected"}
        assert client.post(HAPI, json=body, headers=AS_DOCTOR).status_code == 200
    page.reload()
    expect(count).to_have_text(str(fixtures + 1))

    page.locator("#state-hapihub a", has_text="accounts").click()
    expect(page.locator("#record")).to_contain_text("hapihub/accounts: first of")
    expect(page.locator("#record")).to_contain_text('"password": "[redacted]"')

    page.locator("#state-hapihub button.reset").click()
    expect(page.locator("#status")).to_have_text("Reset: hapihub")
    expect(count).to_have_text(str(fixtures))


def test_behind_an_admin_token_the_page_asks_for_it_and_then_works(browser: Browser) -> None:
    guarded = serve_on_port(Settings(admin_token=TOKEN), admin_token=TOKEN)
    context = browser.new_context(base_url=guarded.url)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/__admin/")
        expect(page.locator("#status")).to_have_text(re.compile("needs its admin token"))
        page.fill("#token", TOKEN)
        page.click("#token-form button")
        expect(page.locator("#state .api")).to_have_count(4)
        with httpx.Client(base_url=guarded.url) as client:
            client.get(SESSIONS)
        expect(page.locator("#journal tbody tr")).to_have_count(1)
        assert page.evaluate("sessionStorage.getItem('mockserver.adminToken')") == TOKEN
    finally:
        context.close()
        guarded.close()
