"""A phone-sized Chromium page signed in as a user, every request answered by Django's test client.

The pages come from Heard through the test client, handed to Chromium by Playwright's request
routing: Chromium runs the page's own script, stylesheet and Content Security Policy, and a test
needs no live server, so it runs on SQLite as well as PostgreSQL.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.db import connections

from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A loopback address (a trustworthy origin), on a port nothing listens on: every request is answered by the route.
# The label over the child's words: "your IRO" when only their IRO reads it, "them" when the child chooses.
WORDS_QUESTION = re.compile(r"What do you want (your IRO|them) to know\?")

ORIGIN = "http://127.0.0.1:9"
PHONE = {"width": 390, "height": 844}


def phone(browser, user, *, javascript: bool = True, init_script: str = "", language: str = ""):
    """Return (context, page): a phone signed in as this user, served by the test client."""
    client = client_for(user)
    if language:
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    # Playwright calls back in a greenlet of its own, which Django would give a connection of its own,
    # outside the test's transaction: hand it the test's connection (same thread, one at a time).
    database = connections["default"]

    def answer(route, request) -> None:
        connections["default"] = database
        url = urlsplit(request.url)
        if url.path == "/__axe.js":
            route.fulfill(path=AXE)
            return
        if url.path.startswith("/static/"):
            found = finders.find(url.path.removeprefix("/static/"))
            route.fulfill(path=found) if found else route.fulfill(status=404)
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() in {"x-requested-with", "accept-language"}}
        response = client.generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", ""),
            headers=headers,
        )
        passed_on = {k: v for k, v in response.items() if k.lower() not in {"set-cookie", "content-length"}}
        route.fulfill(status=response.status_code, headers=passed_on, body=response.content)

    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript, service_workers="block"
    )
    if init_script:
        context.add_init_script(init_script)
    context.route(f"{ORIGIN}/**", answer)
    return context, context.new_page()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.2 AA) on the page as it is shown now."""
    # Loaded from the site itself, as the page's policy allows only its own scripts.
    page.add_script_tag(url=f"{ORIGIN}/__axe.js")
    result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})")
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]
