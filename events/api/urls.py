"""API URLs of events (mounted under /api/)."""
from django.urls import path

from events.api import views as api

urlpatterns = [
    path("events/", api.EventListApi.as_view(), name="api-event-list"),
    path("events/<int:event_id>/", api.EventDetailApi.as_view(), name="api-event-detail"),
]
