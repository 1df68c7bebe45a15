"""Staff sign in with the council's accounts: OpenID Connect against a provider running on this machine.

The provider is a small one written here (discovery, keys, token endpoint), so the whole exchange
runs for real through allauth: the redirect, the code for a signed ID token, the match to a Heard
account, then Heard's own TOTP. No internet.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from accounts.models import Role, User
from tests.conftest import make_user, totp_code

CLIENT_ID = "heard-test-client"


class Provider:
    """An OpenID Connect provider on loopback that signs in whoever `claims` says."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.nonces: dict[str, str] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(provider.configuration())
                elif self.path == "/keys":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                if self.path != "/token" or form.get("client_id") != [CLIENT_ID]:
                    self.send_error(400)
                    return
                self._json(
                    {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": provider.token()}
                )

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def configuration(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/keys",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def token(self) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **self.claims}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    running = Provider()
    settings.HEARD_OIDC_EMAIL_DOMAINS = ["council.example"]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "council",
                    "name": "Microsoft 365",
                    "client_id": CLIENT_ID,
                    "secret": "s3cret",
                    "settings": {"server_url": running.url, "fetch_userinfo": False},
                }
            ],
        }
    }
    yield running
    running.close()


def _sign_in_with_the_council(client, provider: Provider, **claims):
    """Press the button, let the provider sign this person in, and come back with the code."""
    provider.claims = claims
    started = client.post(reverse("openid_connect_login", kwargs={"provider_id": "council"}))
    assert started.status_code == 302, started
    sent_to = urlsplit(started["Location"])
    assert f"{sent_to.scheme}://{sent_to.netloc}{sent_to.path}" == f"{provider.url}/authorize"
    asked = parse_qs(sent_to.query)
    assert asked["client_id"] == [CLIENT_ID] and "code_challenge" in asked  # PKCE
    if "nonce" in asked:
        provider.claims["nonce"] = asked["nonce"][0]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "council"})
    return client.get(callback, {"code": "the-code", "state": asked["state"][0]})


def test_an_iro_signs_in_with_the_council_account_then_heards_totp(client, provider, iro):
    iro.email = "amara.okoro@council.example"
    iro.save()
    back = _sign_in_with_the_council(
        client, provider, sub="entra-123", preferred_username="Amara.Okoro@council.example"
    )
    assert back.status_code == 302 and back["Location"] == reverse("mfa_authenticate")  # Heard's second step still
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == iro.pk
    assert SocialAccount.objects.get().user == iro

    # Next time the provider's own id finds the account, whatever the email has become.
    client.logout()
    again = _sign_in_with_the_council(client, provider, sub="entra-123", preferred_username="a.okoro@elsewhere.example")
    assert again["Location"] == reverse("mfa_authenticate")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "x1", "preferred_username": "nobody@council.example"},  # no such member of staff
        {"sub": "x2", "email": "amara.okoro@partner.example"},  # not the council's domain, not verified
        {"sub": "x3", "email": "child@council.example", "email_verified": True},  # a child's account
        {"sub": "x4"},  # no email at all
    ],
)
def test_no_account_is_made_and_no_one_else_signs_in(client, provider, iro, claims):
    iro.email = "amara.okoro@partner.example"
    iro.save()
    make_user("kid", Role.CHILD, email="child@council.example")
    users = User.objects.count()
    refused = _sign_in_with_the_council(client, provider, **claims)
    assert refused.status_code == 403
    assert "Your council account doesn't match a member of staff in Heard" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert (User.objects.count(), SocialAccount.objects.count()) == (users, 0)


def test_a_verified_email_from_the_provider_is_trusted_in_any_domain(client, provider, manager):
    manager.email = "duty.manager@partner.example"
    manager.save()
    back = _sign_in_with_the_council(
        client, provider, sub="m1", email="duty.manager@partner.example", email_verified=True
    )
    assert back["Location"] == reverse("mfa_authenticate")


def test_a_closed_account_cannot_sign_in_through_the_council(client, provider, iro):
    iro.email = "amara.okoro@council.example"
    iro.is_active = False
    iro.save()
    refused = _sign_in_with_the_council(
        client, provider, sub="entra-9", preferred_username="amara.okoro@council.example"
    )
    assert refused.status_code == 403


def test_a_callback_with_a_made_up_state_signs_no_one_in(client, provider, iro):
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "council"})
    response = client.get(callback, {"code": "the-code", "state": "made-up"})
    assert response.status_code == 401  # allauth's "sign-in failed" page, never a 500
    assert "didn't finish. Please try again from the start." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_the_council_button_only_when_configured(db, client, settings, provider):
    page = client.get(reverse("account_login")).content.decode()
    assert "Staff: sign in with Microsoft 365" in page
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "Staff: sign in with" not in client.get(reverse("account_login")).content.decode()
