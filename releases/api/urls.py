"""API URLs of the releases app (mounted under /api/)."""
from django.urls import path

from releases.api import views

urlpatterns = [
    path("briefings/", views.BriefingListApi.as_view(), name="api-briefing-list"),
    path("briefings/<slug:slug>/", views.BriefingDetailApi.as_view(), name="api-briefing-detail"),
    path("briefings/<slug:slug>/snapshot/", views.SnapshotApi.as_view(), name="api-briefing-snapshot"),
    path("releases/", views.ReleaseListApi.as_view(), name="api-release-list"),
    path("releases/<int:release_id>/", views.ReleaseDetailApi.as_view(), name="api-release-detail"),
    path("releases/<int:release_id>/artefact/", views.ReleaseArtefactApi.as_view(), name="api-release-artefact"),
]
