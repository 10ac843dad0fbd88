"""API URLs of the briefings app (mounted under /api/)."""
from django.urls import path

from briefings.api import catalog, workflow

urlpatterns = [
    path("sections/", catalog.SectionListApi.as_view(), name="api-section-list"),
    path("revisions/", catalog.RevisionListApi.as_view(), name="api-revision-list"),
    path("claims/", catalog.ClaimListApi.as_view(), name="api-claim-list"),
    path("sections/<str:key_or_id>/revisions/", workflow.SectionDraftCreateApi.as_view(), name="api-section-draft"),
    *(
        path(f"revisions/<int:revision_id>/{action}/", view.as_view(), name=f"api-revision-{action}")
        for action, view in workflow.transition_views().items()
    ),
]
