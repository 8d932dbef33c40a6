"""Template context shared by every page: theme, demo flag, navigation for the user's roles."""

from django.conf import settings

from aiguillage.core.theme import current_theme


def platform(request):
    from aiguillage.accounts.access import navigation_for

    return {
        "theme": current_theme(),
        "demo_mode": settings.AIGUILLAGE_DEMO,
        "oidc_enabled": settings.OIDC_ENABLED,
        "navigation": navigation_for(request.user, request.path),
    }
