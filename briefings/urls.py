"""Reader URLs (see CONTRACT.md)."""
from django.urls import path

from briefings import views

app_name = "briefings"

urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("briefings/<slug:slug>/", views.briefing_latest, name="latest"),
    path("briefings/<slug:slug>/as-of/<str:day>/", views.briefing_as_of, name="as_of"),
    path("briefings/<slug:slug>/releases/<int:number>/", views.release_detail, name="release"),
]
