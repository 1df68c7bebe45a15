"""The real twilio client over a fake HTTP client: no network, every request recorded."""

import json
import logging

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from sms.transport import TwilioTransport

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
FROM = "+447700900999"
PUBLIC_BASE_URL = "https://heard.example.org"


class FakeTwilioHttp(HttpClient):
    """Answers the Messages API as Twilio does; queue error answers in `responses` to test failures."""

    requests: list[dict] = []
    responses: list[tuple[int, dict]] = []

    def __init__(self) -> None:
        super().__init__(logger=logging.getLogger("tests.twilio"), is_async=False)

    def request(
        self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None, allow_redirects=False
    ):
        FakeTwilioHttp.requests.append({"method": method, "uri": uri, "data": dict(data or {}), "auth": auth})
        if FakeTwilioHttp.responses:
            status, payload = FakeTwilioHttp.responses.pop(0)
        else:
            number = len(FakeTwilioHttp.requests)
            status = 201
            payload = {
                "sid": f"SM{number:032x}",
                "status": "queued",
                "to": (data or {}).get("To"),
                "from": (data or {}).get("From"),
                "body": (data or {}).get("Body"),
                "num_segments": "1",
                "account_sid": ACCOUNT_SID,
            }
        return Response(status, json.dumps(payload))

    @classmethod
    def reset(cls) -> None:
        cls.requests.clear()
        cls.responses.clear()


class FakeTwilioTransport(TwilioTransport):
    """The production transport, talking to the fake HTTP client."""

    def __init__(self) -> None:
        super().__init__(http_client=FakeTwilioHttp())


def twilio_error(status: int, code: int, message: str) -> tuple[int, dict]:
    """An error answer in Twilio's shape."""
    return status, {
        "code": code,
        "message": message,
        "status": status,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
    }


def signed_post(client, path: str, params: dict, *, token: str = AUTH_TOKEN, url: str | None = None):
    """POST form-encoded parameters signed exactly as Twilio signs them."""
    full_url = url or f"{PUBLIC_BASE_URL}{path}"
    signature = RequestValidator(token).compute_signature(full_url, params)
    return client.post(path, params, headers={"X-Twilio-Signature": signature})


def sent_bodies() -> list[tuple[str, str]]:
    """Return (to, body) of every message the fake Twilio was asked to send."""
    return [(r["data"].get("To"), r["data"].get("Body")) for r in FakeTwilioHttp.requests if r["method"] == "POST"]
