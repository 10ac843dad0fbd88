"""URLs of the benchmark settings only: the product's, plus the floor view (never in production)."""
from django.urls import path

from benchmarks.floor.views import floor
from config.urls import handler400, handler404, handler500
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/floor/<slug:name>/", floor, name="bench-floor"), *product_urlpatterns]

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
