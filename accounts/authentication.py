"""DRF authentication by named API tokens (`Authorization: Token <secret>`).

The header keeps DRF's `Token` keyword, so clients written for the old
single token work unchanged.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import ApiToken, User
from accounts.services.tokens import authenticate_token

KEYWORD = b"token"


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticate a request by the secret of an `ApiToken`."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Token <secret>`."
            )
        try:
            secret = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("That token is not valid.") from exc
        token = authenticate_token(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed(
                "That token is not valid: it may have been revoked or rotated."
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describe token authentication in the OpenAPI schema."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):  # noqa: ANN001, ANN201
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <secret>`: make tokens at Settings → API tokens "
            "or with POST /api/v1/auth/token/.",
        }
