"""The product's URLs plus views that fail on purpose, for tests/api/test_problem_details.py."""
from django.db import OperationalError
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import InputSerializer

from config.urls import handler400, handler404, handler500  # noqa: F401  (the handlers of the root URLconf)
from config.urls import urlpatterns as product_urls


class _Raising(APIView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internals: /etc/passwd")


class _DatabaseDown(APIView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        raise OperationalError("connection to server at 127.0.0.1 refused")


class _Item(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)


class _Order(InputSerializer):
    title = serializers.CharField()
    items = _Item(many=True)
    tags = serializers.ListField(child=serializers.IntegerField())
    address = serializers.DictField(child=serializers.CharField())


class _Nested(APIView):
    permission_classes = (AllowAny,)

    def post(self, request: Request) -> Response:
        _Order(data=request.data).is_valid(raise_exception=True)
        return Response({})


urlpatterns = [
    path("api/test/raise/", _Raising.as_view()),
    path("api/test/database-down/", _DatabaseDown.as_view()),
    path("api/test/nested/", _Nested.as_view()),
    *product_urls,
]
