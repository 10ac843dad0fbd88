"""Reader URLs (see CONTRACT.md)."""
from django.urls import path

from releases import views
from releases.feeds import conditional_feed

app_name = "releases"

urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("sources/", views.source_list_page, name="sources"),
    path("sources/csl.json", views.source_csl_export, name="sources_csl"),
    path("briefings/<slug:slug>/", views.briefing_latest, name="latest"),
    path("briefings/<slug:slug>/as-of/", views.briefing_as_of_form, name="as_of_form"),
    path("briefings/<slug:slug>/as-of/<str:day>/", views.briefing_as_of, name="as_of"),
    path("briefings/<slug:slug>/releases/", views.release_list_page, name="release_list"),
    path("briefings/<slug:slug>/releases/<int:number>/", views.release_detail, name="release"),
    path("briefings/<slug:slug>/releases/<int:number>/pdf", views.release_pdf_view, name="release_pdf"),
    path("briefings/<slug:slug>/releases/<int:number>/cite.<str:fmt>", views.release_cite, name="release_cite"),
    path("briefings/<slug:slug>/releases/<int:number>/sources.<str:fmt>", views.release_sources,
         name="release_sources"),
    path("briefings/<slug:slug>/releases/<int:number>/dead-links.json", views.release_dead_links,
         name="release_dead_links"),
    path("briefings/<slug:slug>/claims/<str:anchor>/", views.claim_page, name="claim"),
    path("briefings/<slug:slug>/timemap/", views.timemap, name="timemap"),
    path("briefings/<slug:slug>/timemap/json/", views.timemap_json, name="timemap_json"),
    path("briefings/<slug:slug>/changes/", views.briefing_changes, name="changes"),
    path("briefings/<slug:slug>/search/", views.briefing_search, name="search"),
    path("briefings/<slug:slug>/feed/", conditional_feed, name="feed"),
    path("briefings/<slug:slug>/sections/<str:key>/history/", views.section_history_page, name="section_history"),
]
