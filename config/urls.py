"""Root URLs: reader pages, the API and the admin.

The project's URL layer is where apps are composed: ``/api/revisions/<id>/`` is
served by the events app's extension of the briefings endpoint (it adds the
events a revision covers), so ``briefings`` never imports ``events``.
"""
from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import health, views as core_views
from core.tokens import AuthTokenApi
from events.api.revisions import RevisionWithEventsApi

admin.site.site_header = "政策ブリーフィング 編集管理"
admin.site.site_title = "政策ブリーフィング 編集管理"
admin.site.index_title = "編集・審査"

urlpatterns = [
    # Also answered by core.health.HealthCheckMiddleware before any other middleware.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # The pages the ``type`` URIs of the API's problem documents name (core.problems).
    path("problems/", core_views.problem_types, name="problem-types"),
    path("problems/<slug:slug>", core_views.problem_types, name="problem-type"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script), so no inline script;
    # Swagger UI sets inline styles, so style-src alone is widened on this page.
    path("api/docs/", csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(
        SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/auth/token/", AuthTokenApi.as_view(), name="api-auth-token"),
    path("api/revisions/<int:revision_id>/", RevisionWithEventsApi.as_view(), name="api-revision-detail"),
    path("api/", include("briefings.api.urls")),
    path("api/", include("releases.api.urls")),
    path("api/", include("events.api.urls")),
    path("api/", include("sources.api.urls")),
    path("", include("events.urls")),
    path("", include("releases.urls")),
    path("", include("subscriptions.urls")),
]

handler400 = "core.errorpages.bad_request"
handler404 = "releases.views.page_not_found"
handler500 = "core.errorpages.server_error"
