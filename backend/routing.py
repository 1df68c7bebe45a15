"""Websocket routes."""

from django.urls import path

from feedback.consumers import InboxConsumer

websocket_urlpatterns = [
    path("ws/inbox/", InboxConsumer.as_asgi()),
]
