"""The installable web app's manifest and service worker, as served."""

import json

from django.test import Client


def test_the_manifest_describes_an_installable_app(db):
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert all(icon["src"].startswith("/static/heard/") for icon in manifest["icons"])


def test_the_worker_keeps_only_form_pages_and_may_control_the_whole_site(db):
    response = Client().get("/sw.js")
    assert response["Content-Type"] == "text/javascript"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    pages = json.loads(source.split("var PAGES = ")[1].split(";")[0])
    # Never a page that shows a child's words (their messages, their reviews, a form with their answers).
    assert pages == ["/my/messages/new/"]


def test_every_page_links_the_manifest_and_the_app_script(child, child_user, client):
    client.force_login(child_user)
    page = client.get("/my/messages/new/").content.decode()
    assert 'rel="manifest"' in page and "heard/app.js" in page
    assert f'data-user="{child_user.pk}"' in page
