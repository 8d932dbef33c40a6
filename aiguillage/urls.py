from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from aiguillage.api.main import urlpatterns as api_urlpatterns

admin.site.site_header = "Aiguillage — administration"
admin.site.site_title = "Aiguillage"

urlpatterns = [
    # First: the API's public decision endpoint is the most requested URL, and Django tries the
    # patterns in order (the others never start with "api/").
    path("api/v1/", api_urlpatterns()),
    path("", include("aiguillage.core.urls")),
    path("", include("aiguillage.accounts.urls")),
    path("territoires/", include("aiguillage.territories.urls")),
    path("annuaire/", include("aiguillage.directory.urls")),
    path("orientation/", include("aiguillage.orientation.urls")),
    path("adressages/", include("aiguillage.referrals.urls")),
    path("coordination/", include("aiguillage.coordination.urls")),
    path("observatoire/", include("aiguillage.observatory.urls")),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    from django.contrib.auth.decorators import login_not_required
    from mozilla_django_oidc import urls as oidc_urls

    for _pattern in oidc_urls.urlpatterns:
        _pattern.callback = login_not_required(_pattern.callback)
    urlpatterns.append(path("oidc/", include(oidc_urls)))
