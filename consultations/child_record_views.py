"""The child's record for their IRO and managers: who the child is, their reviews, wellbeing and latest words."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import AccessPurpose, AuthenticatedHttpRequest
from accounts.services import access_log_record, access_log_record_many
from consultations.child_record import child_record, child_record_get
from consultations.wellbeing_chart import wellbeing_table


@login_required
@require_GET
def child_record_page(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """One child's record: their reviews with a pack each, their wellbeing across reviews, their latest messages."""
    child = child_record_get(request.user, child_id)
    record = child_record(request.user, child)
    # The page shows the child's answers (the wellbeing check) and the start of their messages: both are reads.
    access_log_record(
        user=request.user, what="child record", purpose=AccessPurpose.CHILD_RECORD, object_id=child.pk, child=child
    )
    access_log_record_many(
        user=request.user,
        what="statement",
        purpose=AccessPurpose.CHILD_RECORD,
        records=[(statement.pk, child) for statement in record.statements],
    )
    return render(
        request, "consultations/child_record.html", {"record": record, "wellbeing": wellbeing_table(record.wellbeing)}
    )
