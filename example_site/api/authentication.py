"""Token authentication of the API (django-rest-knox): tokens stored as a hash, expiring, revocable.

Kept apart from the token views (``api.tokens``): DRF imports authentication classes while it
loads its own views.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth as knox_auth
from rest_framework import exceptions

MAX_TOKEN_LENGTH = 128


class TokenAuthentication(knox_auth.TokenAuthentication):
    """Knox's token check, refusing a token that is not short printable ASCII before looking it up (401)."""

    def authenticate_credentials(self, token: bytes):
        if len(token) > MAX_TOKEN_LENGTH or not token.isascii() or not token.isalnum():
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the schema names the token: ``Authorization: Token <token>``."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`, the token from POST /api/v1/auth/token/",
        }
