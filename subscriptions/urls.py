"""Reader URLs of subscriptions: the form, confirmation, one-click unsubscribe, per-section feeds."""
from django.urls import path

from subscriptions import feeds, views

app_name = "subscriptions"

urlpatterns = [
    path("briefings/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path("briefings/<slug:slug>/sections/<str:key>/feed/", feeds.section_feed, name="section_feed"),
    path("subscriptions/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscriptions/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
