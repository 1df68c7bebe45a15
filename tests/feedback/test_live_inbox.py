"""The inbox socket: only a signed-in IRO joins, and only their own children's events arrive."""

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client

from backend.asgi import application
from feedback.consumers import CLOSE_FORBIDDEN, CLOSE_SIGNED_OUT, InboxConsumer
from feedback.models import Category, Statement
from feedback.services import statement_submit

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


LAYERS = {
    "memory": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    "redis": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [settings.REDIS_URL]}},
}


@pytest.fixture(params=["memory", "redis"])
def channel_layer(request, settings):
    """Run a test on the in-memory layer and, where Redis is configured, on channels-redis."""
    if request.param == "redis" and not settings.REDIS_URL:
        pytest.skip("channels-redis is tested in the run with REDIS_URL set")
    settings.CHANNEL_LAYERS = {"default": LAYERS[request.param]}
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


@pytest_asyncio.fixture(autouse=True)
async def _close_worker_thread_connections():
    # Database calls from async code run on a worker thread; close its connection so the test
    # database can be dropped at the end of the run.
    yield
    await database_sync_to_async(connections.close_all)()


def _signed_in_session(user):
    """A real sign-in session for the user, as the browser's cookie carries it."""
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session


async def _communicator(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(InboxConsumer.as_asgi(), "/ws/inbox/")
    communicator.scope["user"] = user
    if user.is_authenticated:
        communicator.scope["session"] = await database_sync_to_async(_signed_in_session)(user)
    return communicator


async def _submit(author, child, body: str, category: str = Category.SCHOOL) -> None:
    await database_sync_to_async(statement_submit)(
        author=author, child=child, category=category, body=body, channel="web"
    )


async def test_an_iro_hears_of_a_new_statement_for_their_child_and_not_of_others(
    channel_layer, child, other_child, child_user, other_child_user, iro
):
    communicator = await _communicator(iro)
    connected, _ = await communicator.connect()
    assert connected

    await _submit(other_child_user, other_child, "for Ben, not Amara")
    assert await communicator.receive_nothing(timeout=0.3)

    await _submit(child_user, child, "for Amara")
    event = await communicator.receive_json_from(timeout=3)
    assert event["kind"] == "statement"
    assert "for Amara" not in str(event)  # ids only: words are fetched through the access checks
    await communicator.disconnect()


@pytest.mark.parametrize("who", ["anonymous", "child_user", "advocate", "cicc"])
async def test_anyone_but_staff_is_refused(request, who, child_user, advocate, cicc):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    connected, code = await (await _communicator(user)).connect()
    assert (connected, code) == (False, CLOSE_FORBIDDEN)


async def test_the_socket_route_is_served_by_the_asgi_application_and_refuses_strangers(db):
    communicator = WebsocketCommunicator(application, "/ws/inbox/", headers=[(b"origin", b"http://localhost")])
    connected, _ = await communicator.connect()
    assert connected is False


async def test_an_urgent_statement_reaches_the_iro_and_the_duty_manager_live(
    channel_layer, child, child_user, iro, manager
):
    iro_socket, manager_socket = await _communicator(iro), await _communicator(manager)
    assert (await iro_socket.connect())[0]
    assert (await manager_socket.connect())[0]

    # The child's own choice makes it urgent (transactional tests empty the phrase table).
    await _submit(child_user, child, "please call me", Category.UNSAFE)

    iro_events = [await iro_socket.receive_json_from(timeout=3) for _ in range(2)]
    assert sorted(event["kind"] for event in iro_events) == ["alert", "statement"]
    assert (await manager_socket.receive_json_from(timeout=3))["kind"] == "alert"
    await iro_socket.disconnect()
    await manager_socket.disconnect()


async def test_a_burst_of_statements_drops_no_events(channel_layer, child, child_user, iro):
    socket = await _communicator(iro)
    assert (await socket.connect())[0]
    for number in range(20):
        await _submit(child_user, child, f"message {number}")
    ids = [(await socket.receive_json_from(timeout=3))["id"] for _ in range(20)]
    assert len(set(ids)) == 20
    await socket.disconnect()


async def test_asking_to_join_another_iros_stream_changes_nothing(channel_layer, other_child, other_child_user, iro):
    socket = await _communicator(iro)
    assert (await socket.connect())[0]
    await socket.send_json_to({"type": "subscribe", "group": "inbox.user.999", "user": other_child_user.pk})
    await _submit(other_child_user, other_child, "for Ben only")
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_with_redis_down_statements_are_still_stored(settings, child, child_user, iro):

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
    }
    channel_layers.backends.clear()
    try:
        await _submit(child_user, child, "Redis is down but I am here")
    finally:
        channel_layers.backends.clear()
    assert await database_sync_to_async(Statement.objects.filter(body="Redis is down but I am here").count)() == 1


async def test_signing_out_closes_the_socket_at_once(channel_layer, child, child_user, iro):
    socket = await _communicator(iro)
    assert (await socket.connect())[0]
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = socket.scope["session"].session_key
    await database_sync_to_async(browser.post)("/accounts/logout/")
    assert await socket.receive_output(timeout=3) == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}
    await _submit(child_user, child, "after sign-out")


async def test_a_session_ended_elsewhere_gets_no_more_events(channel_layer, child, child_user, iro):
    socket = await _communicator(iro)
    assert (await socket.connect())[0]
    await database_sync_to_async(socket.scope["session"].delete)()  # signed out on another device, or expired
    await _submit(child_user, child, "after the session ended")
    assert await socket.receive_output(timeout=3) == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}
