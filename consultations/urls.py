"""Consultation pages: each form is read with GET, and saved or sent by a post of its own."""

from django.urls import path

from consultations import child_record_views, views

app_name = "consultations"

urlpatterns = [
    path("c/<str:token>/", views.by_link, name="by_link"),
    path("c/<str:token>/save/", views.by_link_save, name="by_link_save"),
    path("c/<str:token>/send/", views.by_link_send, name="by_link_send"),
    path("my/consultations/", views.my_consultations, name="mine"),
    path("my/consultations/<id:invitation_id>/", views.my_consultation, name="mine_detail"),
    path("my/consultations/<id:invitation_id>/save/", views.my_consultation_save, name="mine_detail_save"),
    path("my/consultations/<id:invitation_id>/send/", views.my_consultation_send, name="mine_detail_send"),
    path("consultations/<id:invitation_id>/with-child/", views.on_behalf, name="on_behalf"),
    path("consultations/<id:invitation_id>/with-child/save/", views.on_behalf_save, name="on_behalf_save"),
    path("consultations/<id:invitation_id>/with-child/send/", views.on_behalf_send, name="on_behalf_send"),
    path("inbox/reviews/<id:review_id>/pack/", views.pack, name="pack"),
    path(
        "inbox/reviews/<id:review_id>/pack/answers/<id:invitation_id>/pdf/",
        views.pack_answer_pdf,
        name="pack_answer_pdf",
    ),
    path("inbox/children/<id:child_id>/", child_record_views.child_record_page, name="child_record"),
    path("inbox/children/<id:child_id>/form/", views.form_choice, name="form_choice"),
    path("manage/forms/<id:version_id>/preview/", views.preview, name="preview"),
]
