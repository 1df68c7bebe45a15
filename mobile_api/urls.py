"""API routes: /api/v1/ for the app, the OpenAPI schema and its docs; anything else under /api/ is a 404 problem."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mobile_api.apis import (
    activities,
    advocacy,
    alerts,
    casefile,
    complaints,
    consultations,
    me,
    news,
    people,
    replies,
    reports,
    reviews,
    staff,
    statements,
)
from mobile_api.apis.base import conditional
from mobile_api.errors import api_not_found

urlpatterns = [
    path("v1/me/", conditional(me.MeApi.as_view()), name="v1-me"),
    path("v1/me/data/", me.MyDataApi.as_view(), name="v1-me-data"),
    path("v1/people/<id:person_id>/photo/", people.PersonPhotoApi.as_view(), name="v1-person-photo"),
    path("v1/people/<id:person_id>/photo/", people.PersonPhotoApi.as_view(), name="v1-person-photo"),
    path("v1/statements/", conditional(statements.StatementListCreateApi.as_view()), name="v1-statements"),
    path(
        "v1/statements/<id:statement_id>/",
        conditional(statements.StatementDetailApi.as_view()),
        name="v1-statement",
    ),
    path("v1/statements/<id:statement_id>/read/", statements.StatementMarkReadApi.as_view(), name="v1-statement-read"),
    path("v1/statements/<id:statement_id>/reply/", statements.StatementReplyApi.as_view(), name="v1-statement-reply"),
    path("v1/statements/<id:statement_id>/replies/", replies.ReplyListCreateApi.as_view(), name="v1-statement-replies"),
    path("v1/statements/<id:statement_id>/pdf/", casefile.StatementPdfApi.as_view(), name="v1-statement-pdf"),
    path("v1/consultations/", conditional(consultations.ConsultationListApi.as_view()), name="v1-consultations"),
    path(
        "v1/consultations/<id:invitation_id>/",
        conditional(consultations.ConsultationDetailApi.as_view()),
        name="v1-consultation",
    ),
    path(
        "v1/consultations/<id:invitation_id>/draft/",
        consultations.ConsultationDraftApi.as_view(),
        name="v1-consultation-draft",
    ),
    path(
        "v1/consultations/<id:invitation_id>/submit/",
        consultations.ConsultationSubmitApi.as_view(),
        name="v1-consultation-submit",
    ),
    path("v1/reviews/", conditional(reviews.ChildReviewListApi.as_view()), name="v1-reviews"),
    path("v1/reviews/<id:review_id>/feedback/", reviews.ReviewFeedbackApi.as_view(), name="v1-review-feedback"),
    path(
        "v1/reviews/<id:review_id>/summary/pdf/", casefile.ReviewSummaryPdfApi.as_view(), name="v1-review-summary-pdf"
    ),
    path("v1/reviews/<id:review_id>/pack/", conditional(staff.ReviewPackApi.as_view()), name="v1-review-pack"),
    path(
        "v1/reviews/<id:review_id>/pack/answers/<id:invitation_id>/pdf/",
        casefile.PackAnswerPdfApi.as_view(),
        name="v1-pack-answer-pdf",
    ),
    path("v1/advocacy-requests/", advocacy.AdvocacyRequestListCreateApi.as_view(), name="v1-advocacy-requests"),
    path("v1/complaints/", conditional(complaints.ComplaintListCreateApi.as_view()), name="v1-complaints"),
    path(
        "v1/complaints/<id:complaint_id>/",
        conditional(complaints.ComplaintDetailApi.as_view()),
        name="v1-complaint",
    ),
    path("v1/children/", advocacy.ChildListApi.as_view(), name="v1-children"),
    path(
        "v1/children/<id:child_id>/activities/",
        conditional(activities.ActivityListCreateApi.as_view()),
        name="v1-child-activities",
    ),
    path("v1/you-said-we-did/", conditional(news.YouSaidWeDidListApi.as_view()), name="v1-you-said-we-did"),
    path("v1/inbox/", conditional(staff.InboxApi.as_view()), name="v1-inbox"),
    path("v1/alerts/<id:alert_id>/", conditional(alerts.AlertDetailApi.as_view()), name="v1-alert"),
    path("v1/alerts/<id:alert_id>/acknowledge/", alerts.AlertAcknowledgeApi.as_view(), name="v1-alert-acknowledge"),
    path("v1/alerts/<id:alert_id>/close/", alerts.AlertCloseApi.as_view(), name="v1-alert-close"),
    path("v1/reports/<slug:name>/", reports.ReportApi.as_view(), name="v1-report"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page needs no inline script;
    # Swagger UI does add its own <style> element, so this one page allows inline styles (never scripts).
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    re_path(r"^", api_not_found),
]
