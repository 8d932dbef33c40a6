from django.urls import path

from aiguillage.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-et-sources/", views.legal, name="legal"),
    path("sante/", views.healthz, name="healthz"),
]
