"""The installable web app: its manifest and its service worker, served from the site's root."""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Pages a child can open with no signal. Never a page that shows a child's words: only forms.
OFFLINE_PAGES = ("feedback:statement_new",)


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: how Heard looks once added to a phone's home screen."""
    icons = [
        {"src": static(f"heard/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for size in (192, 512)
        for purpose in ("any", "maskable")
    ]
    body = {
        "name": f"Heard · {settings.LA_NAME}",
        "short_name": "Heard",
        "description": "Tell your IRO what you think, before your review and any time.",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json")


@cache
def _version() -> str:
    """Changes whenever the worker's own code does, so phones drop old copies of the pages."""
    source = render_to_string("pwa/sw.js", {"version": "", "pages": "[]"})
    return hashlib.sha256(source.encode()).hexdigest()[:12]


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker: keeps the forms a child writes in available offline (never their words)."""
    source = render_to_string(
        "pwa/sw.js", {"version": _version(), "pages": json.dumps([reverse(name) for name in OFFLINE_PAGES])}
    )
    response = HttpResponse(source, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response
