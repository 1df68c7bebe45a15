"""Staff sign in with the council's own accounts (OpenID Connect, e.g. Microsoft Entra ID): matched, never made.

The provider's account is matched to an existing, active staff account by its email, when the
provider says the email is verified or it is in one of the council's own domains
(HEARD_OIDC_EMAIL_DOMAINS: Entra ID does not say, and a guest in the council's tenant could carry
any address). Nothing else signs in: no account is created, and a child's account never signs in
this way. Heard's own TOTP is still asked for afterwards (allauth's MFA stage runs for every login).
"""

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

from accounts.models import Role, User

# Claims that may carry the person's work email: Entra ID puts it in `email` when the optional
# claim is set, and in `preferred_username` (the sign-in name) otherwise.
EMAIL_CLAIMS = ("email", "preferred_username", "upn")


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or data


def trusted_emails(claims: dict[str, Any]) -> list[str]:
    """The emails in the claims that the provider or the council's domains vouch for."""
    found = []
    for claim in EMAIL_CLAIMS:
        value = claims.get(claim)
        if not isinstance(value, str) or "@" not in value:
            continue
        email = value.strip().lower()
        vouched = claim == "email" and claims.get("email_verified") is True
        if vouched or email.rsplit("@", 1)[1] in settings.HEARD_OIDC_EMAIL_DOMAINS:
            found.append(email)
    return found


def staff_for(claims: dict[str, Any]) -> User | None:
    """The active staff account with one of the trusted emails, if exactly one has it."""
    for email in trusted_emails(claims):
        matches = list(User.objects.filter(email__iexact=email, is_active=True).exclude(role=Role.CHILD)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Match the council's sign-in to an existing staff account, or refuse; never make an account."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing:
            user = sociallogin.user
            if user is None or user.role == Role.CHILD or not user.is_active:
                raise ImmediateHttpResponse(render(request, "account/council_sign_in_refused.html", status=403))
            return
        user = staff_for(_claims(sociallogin))
        if user is None:
            raise ImmediateHttpResponse(render(request, "account/council_sign_in_refused.html", status=403))
        # Linked once; from then on the provider's own id (the `sub` claim) finds the account.
        sociallogin.connect(request, user)
