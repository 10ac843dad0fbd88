"""API URLs of the briefings app (mounted under /api/)."""
from django.urls import path

from briefings.api import catalog, views, workflow

urlpatterns = [
    path("briefings/", views.BriefingListApi.as_view(), name="api-briefing-list"),
    path("briefings/<slug:slug>/", views.BriefingDetailApi.as_view(), name="api-briefing-detail"),
    path("briefings/<slug:slug>/snapshot/", views.SnapshotApi.as_view(), name="api-briefing-snapshot"),
    path("sections/", catalog.SectionListApi.as_view(), name="api-section-list"),
    path("revisions/", catalog.RevisionListApi.as_view(), name="api-revision-list"),
    path("claims/", catalog.ClaimListApi.as_view(), name="api-claim-list"),
    path("releases/", catalog.ReleaseListApi.as_view(), name="api-release-list"),
    path("releases/<int:release_id>/", catalog.ReleaseDetailApi.as_view(), name="api-release-detail"),
    path("sections/<str:key_or_id>/revisions/", workflow.SectionDraftCreateApi.as_view(), name="api-section-draft"),
    path("revisions/<int:revision_id>/", workflow.RevisionDetailApi.as_view(), name="api-revision-detail"),
    path("revisions/<int:revision_id>/submit/", workflow.RevisionSubmitApi.as_view(), name="api-revision-submit"),
    path("revisions/<int:revision_id>/approve/", workflow.RevisionApproveApi.as_view(), name="api-revision-approve"),
    path("revisions/<int:revision_id>/reject/", workflow.RevisionRejectApi.as_view(), name="api-revision-reject"),
    path("revisions/<int:revision_id>/reopen/", workflow.RevisionReopenApi.as_view(), name="api-revision-reopen"),
    path("revisions/<int:revision_id>/rebase/", workflow.RevisionRebaseApi.as_view(), name="api-revision-rebase"),
    path(
        "revisions/<int:revision_id>/unschedule/", workflow.RevisionUnscheduleApi.as_view(), name="api-revision-unschedule"
    ),
]
