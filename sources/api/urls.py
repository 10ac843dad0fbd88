"""API URLs of sources (mounted under /api/)."""
from django.urls import path

from sources.api import views

urlpatterns = [
    path("sources/", views.SourceListApi.as_view(), name="api-source-list"),
    path("sources/<int:source_id>/", views.SourceDetailApi.as_view(), name="api-source-detail"),
]
