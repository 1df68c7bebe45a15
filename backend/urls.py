"""Heard's URLs: people's pages, sign-in, the API and the health check."""

from allauth.account.decorators import secure_admin_login
from allauth.headless.account.views import RequestLoginCodeView
from django.contrib import admin
from django.urls import include, path

from accounts.forms import RequestLoginCodeInput
from backend import converters, pwa, views
from reviews.middleware import set_language

converters.register()

# The admin signs in through allauth too, so its two-step sign-in cannot be bypassed.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Heard administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    # Django's language switch, which for a signed-in child also saves the choice on their record.
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    # allauth's own view, with an input that refuses an empty request (allauth's answers a 500).
    path(
        "_allauth/app/v1/auth/code/request",
        RequestLoginCodeView.as_api_view(client="app", input_class=RequestLoginCodeInput),
    ),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/", include("mobile_api.urls")),
    path("sms/", include("sms.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("feedback.urls")),
    path("", include("reviews.urls")),
    path("", include("consultations.urls")),
    path("", include("reporting.urls")),
    path("", include("complaints.urls")),
]
handler500 = "backend.views.server_error"
