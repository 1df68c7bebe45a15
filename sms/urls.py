"""Twilio webhook routes."""

from django.urls import path

from sms import views

app_name = "sms"

urlpatterns = [
    path("inbound/", views.inbound, name="inbound"),
    path("status/", views.status, name="status"),
]
