"""A child's own data, the privacy notice, and staff profiles with their photos."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("my/data/", views.my_data, name="my_data"),
    path("my/data/download/", views.my_data_download, name="my_data_download"),
    path("privacy/", views.privacy, name="privacy"),
    path("staff/profile/", views.my_profile, name="my_profile"),
    path("people/<id:person_id>/photo/", views.person_photo, name="person_photo"),
]
