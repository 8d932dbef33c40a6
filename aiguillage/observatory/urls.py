"""URLs of the observatory pages."""

from django.urls import path

from aiguillage.observatory import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.region, name="region"),
    path("<slug:slug>/<str:code>/", views.territoire, name="territoire"),
]
