"""API routes: /api/v1/ for the app, the OpenAPI schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from mobile_api import apis

urlpatterns = [
    path("v1/statements/", apis.StatementListCreateApi.as_view(), name="v1-statements"),
    path("v1/statements/<int:statement_id>/read/", apis.StatementMarkReadApi.as_view(), name="v1-statement-read"),
    path("v1/consultations/", apis.ConsultationListApi.as_view(), name="v1-consultations"),
    path(
        "v1/consultations/<int:invitation_id>/draft/", apis.ConsultationDraftApi.as_view(), name="v1-consultation-draft"
    ),
    path(
        "v1/consultations/<int:invitation_id>/submit/",
        apis.ConsultationSubmitApi.as_view(),
        name="v1-consultation-submit",
    ),
    path("v1/reports/<slug:name>/", apis.ReportApi.as_view(), name="v1-report"),
    path("v1/reviews/<int:review_id>/feedback/", apis.ReviewFeedbackApi.as_view(), name="v1-review-feedback"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
