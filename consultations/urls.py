"""Consultation pages."""

from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("c/<str:token>/", views.by_link, name="by_link"),
    path("my/consultations/", views.my_consultations, name="mine"),
    path("my/consultations/<id:invitation_id>/", views.my_consultation, name="mine_detail"),
    path("consultations/<id:invitation_id>/with-child/", views.on_behalf, name="on_behalf"),
    path("inbox/reviews/<id:review_id>/pack/", views.pack, name="pack"),
    path("inbox/children/<id:child_id>/form/", views.form_choice, name="form_choice"),
    path("manage/forms/<id:version_id>/preview/", views.preview, name="preview"),
]
