"""API URLs of the briefings app (mounted under /api/)."""
from django.urls import path

from briefings.api import views

urlpatterns = [
    path("briefings/", views.BriefingListApi.as_view(), name="api-briefing-list"),
    path("briefings/<slug:slug>/", views.BriefingDetailApi.as_view(), name="api-briefing-detail"),
    path("briefings/<slug:slug>/snapshot/", views.SnapshotApi.as_view(), name="api-briefing-snapshot"),
]
