"""The funding helper's page, included under ``/orientation/conseiller/financements/``."""

from django.urls import path

from aiguillage.orientation import views_financement

urlpatterns = [
    path("", views_financement.financement, name="financement"),
]
