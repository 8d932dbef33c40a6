"""API root: one NinjaAPI, one router per app."""

from django.contrib.auth.decorators import login_not_required
from ninja import NinjaAPI

from aiguillage.directory.api import router as directory_router
from aiguillage.observatory.api import router as observatory_router
from aiguillage.orientation.api import router as orientation_router
from aiguillage.referrals.api import router as referrals_router
from aiguillage.territories.api import router as territories_router

api = NinjaAPI(
    title="Aiguillage API",
    version="1",
    description=(
        "API de la plateforme Aiguillage (conseil en évolution professionnelle et service public "
        "régional de l'orientation). Les données de référence sont publiques ; les autres "
        "ressources demandent une session authentifiée."
    ),
    urls_namespace="api",
)
api.add_router("/territoires", territories_router)
api.add_router("/annuaire", directory_router)
api.add_router("/orientation", orientation_router)
api.add_router("/adressages", referrals_router)
api.add_router("/observatoire", observatory_router)


def urlpatterns():
    """The API's URL patterns; ninja checks authentication per endpoint, so the site-wide
    login-required middleware steps aside for them."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace
