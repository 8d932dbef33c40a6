"""Branding a Région can set, without breaking contrast."""

import pytest
from django.core.checks import Error as CheckError
from django.test import override_settings

from aiguillage.core import theme
from aiguillage.core.checks import check_theme_colours


def test_contrast_ratio_known_values():
    assert theme.contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_text_colour_follows_the_background():
    assert theme.text_colour_on("#1b4f8a") == "#ffffff"
    assert theme.text_colour_on("#ffd500") == "#000000"


def test_invalid_colour_is_an_error():
    with pytest.raises(ValueError, match="#rrggbb"):
        theme.relative_luminance("bleu")


def _with_theme(**colours):
    base = {
        "nom_plateforme": "Aiguillage",
        "nom_region": "Région test",
        "logo_url": "",
        "couleur_primaire": "#1b4f8a",
        "couleur_secondaire": "#7a2e62",
    }
    return override_settings(AIGUILLAGE_THEME={**base, **colours})


def test_default_theme_passes_the_check():
    assert check_theme_colours() == []


def test_invalid_colour_setting_is_a_system_check_error():
    with _with_theme(couleur_primaire="#12345"):
        problems = check_theme_colours()
    assert [type(p) for p in problems] == [CheckError]
    assert "#rrggbb" in problems[0].msg


@pytest.mark.parametrize("grey", range(0, 256, 5))
def test_any_colour_gets_a_text_colour_meeting_aa(grey):
    for colour in (f"#{grey:02x}{grey:02x}{grey:02x}", f"#{grey:02x}40{255 - grey:02x}"):
        assert theme.contrast_ratio(colour, theme.text_colour_on(colour)) >= theme.AA_NORMAL_TEXT


@pytest.mark.django_db
def test_pages_use_the_regions_name_and_colour(client):
    with _with_theme(couleur_primaire="#005f73"):
        body = client.get("/").content.decode()
    assert "--ag-primary: #005f73" in body
    assert "Région test" in body
