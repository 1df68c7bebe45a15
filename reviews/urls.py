"""Pages for allocation, cover, reviews and practice alerts."""

from django.urls import path

from reviews import activity_views, views

app_name = "reviews"

urlpatterns = [
    path("manage/allocation/", views.allocation, name="allocation"),
    path("manage/children/<id:child_id>/allocate/", views.child_allocate, name="child_allocate"),
    path("manage/children/<id:child_id>/workers/", views.child_allocate_worker, name="child_allocate_worker"),
    path("manage/absences/", views.absences, name="absences"),
    path("manage/response-times/", views.response_time_report, name="response_times"),
    path("my/advocate/", views.my_advocate, name="my_advocate"),
    path("manage/advocacy/", views.advocacy_requests, name="advocacy_requests"),
    path("manage/advocacy/<id:request_id>/assign/", views.advocacy_request_assign, name="advocacy_request_assign"),
    path(
        "manage/advocacy/<id:request_id>/not-wanted/",
        views.advocacy_request_not_wanted,
        name="advocacy_request_not_wanted",
    ),
    path("my/reviews/", views.my_reviews, name="my_reviews"),
    path("my/reviews/<id:review_id>/summary/pdf/", views.my_review_summary_pdf, name="my_review_summary_pdf"),
    path("inbox/reviews/<id:review_id>/summary/", views.review_summary, name="review_summary"),
    path("inbox/reviews/<id:review_id>/summary/pdf/", views.review_summary_pdf_view, name="review_summary_pdf"),
    path("inbox/reviews/<id:review_id>/record/", views.review_record, name="review_record"),
    path("inbox/children/<id:child_id>/activity/", activity_views.child_activity, name="child_activity"),
    path(
        "inbox/activity/<id:activity_id>/take-back/",
        activity_views.child_activity_take_back,
        name="child_activity_take_back",
    ),
    path("practice-alerts/", views.practice_alerts, name="practice_alerts"),
    path("practice-alerts/children/<id:child_id>/new/", views.practice_alert_new, name="practice_alert_new"),
    path("practice-alerts/<id:alert_id>/", views.practice_alert_detail, name="practice_alert_detail"),
]
