"""A statement, a consultation answer or a review summary as a PDF for the council's case file."""

import json
from collections.abc import Callable

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from accounts.models import AccessLogEntry, AccessPurpose
from accounts.services import access_log_record
from backend.pdf import PdfUnavailable, pdf_attachment
from consultations.selectors import pack_answer_get, review_get_for_pack
from feedback.selectors import statement_get_for_user
from mobile_api.apis.base import HeardApi, caller
from mobile_api.errors import Unavailable
from reporting.casefile import (
    consultation_answer_pdf,
    review_summary_get_for_user,
    review_summary_pdf,
    statement_pdf,
)
from reviews.models import Child


class PdfRenderer(BaseRenderer):
    """The only answer these operations give is a PDF; an error is still the problem's JSON, typed as
    application/problem+json by mobile_api.errors."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class PdfUnavailableHere(Unavailable):
    default_detail = "This server cannot make PDFs just now."
    default_code = "pdf_unavailable"


def _download(
    request: Request, make: Callable[[], bytes], *, what: str, purpose: AccessPurpose, record: object, child: Child
) -> HttpResponse:
    """Make the PDF, log a staff download as an export (as the pages do), and answer with it to save."""
    try:
        pdf = make()
    except PdfUnavailable as exc:
        raise PdfUnavailableHere(str(exc)) from exc
    access_log_record(
        user=caller(request),
        what=what,
        purpose=purpose,
        object_id=record,
        child=child,
        action=AccessLogEntry.Action.EXPORT,
    )
    return pdf_attachment(pdf, f"heard-{what.removesuffix(' pdf').replace(' ', '-')}-{record}.pdf")


PDF_FILE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF, to save.")}
NOT_YOURS = OpenApiResponse(description="No such record, or not one the caller may read.")


class StatementPdfApi(HeardApi):
    """A statement and its conversation, for the child, the advocate who wrote it, its IRO or a manager."""

    renderer_classes = [PdfRenderer]

    @extend_schema(responses={**PDF_FILE, 404: NOT_YOURS}, operation_id="statements_pdf")
    def get(self, request: Request, statement_id: int) -> HttpResponse:
        statement = statement_get_for_user(caller(request), statement_id)
        return _download(
            request,
            lambda: statement_pdf(statement, reader=caller(request)),
            what="statement pdf",
            purpose=AccessPurpose.STATEMENT,
            record=statement.pk,
            child=statement.child,
        )


class PackAnswerPdfApi(HeardApi):
    """One sent consultation answer from a review's pre-review pack, for the child's IRO or a manager."""

    renderer_classes = [PdfRenderer]

    @extend_schema(responses={**PDF_FILE, 404: NOT_YOURS}, operation_id="pack_answer_pdf")
    def get(self, request: Request, review_id: int, invitation_id: int) -> HttpResponse:
        review = review_get_for_pack(caller(request), review_id)
        entry = pack_answer_get(review, invitation_id)
        return _download(
            request,
            lambda: consultation_answer_pdf(entry, reader=caller(request)),
            what="consultation answer pdf",
            purpose=AccessPurpose.PACK,
            record=entry.invitation.pk,
            child=review.child,
        )


class ReviewSummaryPdfApi(HeardApi):
    """A published review summary, for the child it was written for or their IRO."""

    renderer_classes = [PdfRenderer]

    @extend_schema(responses={**PDF_FILE, 404: NOT_YOURS}, operation_id="reviews_summary_pdf")
    def get(self, request: Request, review_id: int) -> HttpResponse:
        review = review_summary_get_for_user(caller(request), review_id)
        return _download(
            request,
            lambda: review_summary_pdf(review, reader=caller(request)),
            what="review summary pdf",
            purpose=AccessPurpose.CHILD_RECORD,
            record=review.pk,
            child=review.child,
        )
