"""Pages for statements."""

from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("my/messages/", views.my_statements, name="my_statements"),
    path("my/messages/new/", views.statement_new, name="statement_new"),
    path("my/messages/<id:statement_id>/", views.my_statement, name="my_statement"),
    path("my/messages/<id:statement_id>/pdf/", views.my_statement_pdf, name="my_statement_pdf"),
    path("my/messages/<id:statement_id>/withdraw/", views.statement_withdraw_view, name="statement_withdraw"),
    path("advocacy/", views.advocacy, name="advocacy"),
    path(
        "advocacy/children/<id:child_id>/messages/new/", views.statement_new_on_behalf, name="statement_new_on_behalf"
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/children/<id:child_id>/session/", views.assisted_session, name="assisted_session"),
    path("inbox/messages/<id:statement_id>/", views.statement_detail, name="statement_detail"),
    path("inbox/messages/<id:statement_id>/pdf/", views.statement_detail_pdf, name="statement_pdf"),
    path("inbox/messages/<id:statement_id>/reply/", views.statement_reply_view, name="statement_reply"),
    path(
        "inbox/messages/<id:statement_id>/acknowledge/", views.statement_acknowledge_view, name="statement_acknowledge"
    ),
    path("inbox/messages/<id:statement_id>/themes/", views.statement_tag_view, name="statement_tag"),
    path("inbox/alerts/", views.alert_list, name="alert_list"),
    path("inbox/alerts/<id:alert_id>/", views.alert_detail, name="alert_detail"),
    path("inbox/alerts/<id:alert_id>/acknowledge/", views.alert_acknowledge_view, name="alert_acknowledge"),
    path("inbox/alerts/<id:alert_id>/actions/", views.alert_record_action_view, name="alert_record_action"),
    path("inbox/alerts/<id:alert_id>/hand-over/", views.alert_hand_over_view, name="alert_hand_over"),
    path("inbox/alerts/<id:alert_id>/close/", views.alert_close_view, name="alert_close"),
    path("my/settings/", views.my_preferences, name="my_preferences"),
    path("my/reviews/<id:review_id>/feedback/", views.my_review_feedback, name="my_review_feedback"),
    path("f/<str:token>/", views.service_feedback_by_link, name="service_feedback_by_link"),
]
