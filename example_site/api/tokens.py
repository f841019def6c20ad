"""API tokens (django-rest-knox): stored as a hash, expiring after ``API_TOKEN_TTL_HOURS``, revocable.

``POST /api/v1/auth/token/`` (username and password) gives ``{"token", "expiry"}``; send it as
``Authorization: Token <token>``. ``POST /api/v1/auth/token/revoke/`` ends the token the request is
signed with, ``.../revoke-all/`` every token of the user. Signing in is throttled per client address
(``API_AUTH_THROTTLE_RATE``): a 429 with ``Retry-After`` past the rate.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


class Credentials(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class IssuedToken(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class TokenView(APIView):
    """Sign in with a username and password and get a token (400 for wrong credentials, 429 past the rate)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    public = True  # api.schema: no sign-in, so no 401 or 403
    idempotent_writes = False
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=Credentials, responses={200: IssuedToken}, auth=[])
    def post(self, request):
        credentials = Credentials(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request=request._request, **credentials.validated_data)
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": ["Unable to log in with the credentials given."]})
        tokens = get_token_model().objects.filter(user=user)
        tokens.filter(expiry__lte=timezone.now()).delete()
        if knox_settings.TOKEN_LIMIT_PER_USER is not None and tokens.count() >= knox_settings.TOKEN_LIMIT_PER_USER:
            raise exceptions.PermissionDenied("Too many tokens: revoke some (POST /api/v1/auth/token/revoke-all/).")
        instance, token = get_token_model().objects.create(user=user)
        return Response({"token": token, "expiry": instance.expiry})


class RevokeTokenView(APIView):
    """End the token this request is signed with (a request signed in by session has none: 400)."""

    permission_classes = [IsAuthenticated]
    idempotent_writes = False

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if not isinstance(request.auth, get_token_model()):
            raise exceptions.ValidationError({"detail": "This request is not signed with a token."})
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeAllTokensView(APIView):
    """End every token of the signed-in user."""

    permission_classes = [IsAuthenticated]
    idempotent_writes = False

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        get_token_model().objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
