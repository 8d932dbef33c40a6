"""Logging in with a demo account, shared by the browser tests."""

from __future__ import annotations

from aiguillage.core.demo import DEMO_DOMAIN, DEMO_PASSWORD


def login(page, base, who):
    """Log ``who`` (``conseiller``, ``coordination``…) in through the login page."""
    page.goto(base + "/connexion/")
    page.get_by_label("Adresse électronique").fill(f"{who}@{DEMO_DOMAIN}")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/")
