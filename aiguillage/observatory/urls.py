"""URLs of the observatory: pages, reports (HTML, PDF) and exports (CSV, JSON)."""

from django.urls import path

from aiguillage.observatory import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/rapport.<str:fmt>", views.region_report, name="region_report"),
    path("<slug:slug>/export.<str:fmt>", views.region_export, name="region_export"),
    path("<slug:slug>/", views.region, name="region"),
    path(
        "<slug:slug>/<str:code>/rapport.<str:fmt>",
        views.territory_report,
        name="territory_report",
    ),
    path(
        "<slug:slug>/<str:code>/export.<str:fmt>",
        views.territory_export,
        name="territory_export",
    ),
    path("<slug:slug>/<str:code>/", views.territoire, name="territoire"),
]
