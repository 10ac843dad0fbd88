"""``/api/auth/token/``: API clients get a token with their user name and password, and revoke it.

* ``POST`` ``{"username", "password"}`` → ``{"token": "<key>"}``; send it as
  ``Authorization: Token <key>``. A wrong password (or an inactive user) is a
  400 validation problem that does not say which of the two was wrong.
* ``DELETE`` (authenticated, with the token or a session) revokes the caller's
  own token: 204. Administrators revoke anyone's in the admin (API credentials).

It is a login like the admin's: django-axes counts the failures of a
(user name, address) pair and, once locked out, refuses even the right password
(429 ``locked_out`` with ``Retry-After``, by ``AxesMiddleware`` and
``core.throttling.lockout_response``); ``core.throttling.LoginAttemptLockMiddleware``
serialises the attempts; the ``auth_token`` throttle limits the attempts per address.
A success is a login: ``user_logged_in`` resets the failure count and sets ``last_login``.

``POST`` ignores any ``Authorization`` header a client still sends, so a client
holding a revoked token can still get a new one.
"""
from __future__ import annotations

from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import InputSerializer
from core.openapi import ERROR
from core.services import auth_token_issue, auth_token_revoke
from core.throttling import TokenThrottle

INVALID_CREDENTIALS = "ユーザー名またはパスワードが正しくありません。"


class TokenInputSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")


class AuthTokenApi(APIView):
    throttle_scope = "auth_token"
    throttle_classes = (TokenThrottle,)

    def get_permissions(self) -> list[BasePermission]:
        # Only DELETE needs a user; any other method is 405 (or POST's own checks), never a 401 first.
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def perform_authentication(self, request: Request) -> None:
        if request.method == "DELETE":  # a stale token sent with the password must not stand in the way of POST
            super().perform_authentication(request)

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        description="Exchange a user name and password for the user's token (the same one until revoked). "
                    "Repeated failures lock the user name out from this address for a while (429 `locked_out`).",
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer, 400: ERROR, 429: ERROR},
        auth=[],
        examples=[OpenApiExample("credentials", value={"username": "editor", "password": "…"}, request_only=True),
                  OpenApiExample("token", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                                 response_only=True)],
    )
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes needs Django's request: it marks a locked-out attempt on it for AxesMiddleware.
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": [INVALID_CREDENTIALS]}, code="invalid_credentials")
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        token = auth_token_issue(user=user)
        # A credential: no shared or browser cache may keep it (as RFC 6749 asks of token responses).
        return Response(TokenOutputSerializer({"token": token.key}).data, headers={"Cache-Control": "no-store"})

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke your API token",
        description="Delete the caller's token; requests carrying it are 401 from then on. 204 even if there was none.",
        request=None,
        responses={204: None, 401: ERROR},
    )
    def delete(self, request: Request) -> Response:
        auth_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
