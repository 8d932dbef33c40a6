"""Bassins (CSV) and boundaries (GeoJSON) imports: all-or-nothing, errors name row and field."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aiguillage.core.models import AuditEvent
from aiguillage.territories.models import Bassin, Departement, Region
from aiguillage.territories.services import ImportErrors, bassins_import, boundaries_import

pytestmark = pytest.mark.django_db

VALID = (
    "code_commune,code_bassin,nom_bassin\n"
    "73065,B-CHY,Bassin de Chambéry\n"
    "73029,B-CHY,Bassin de Chambéry\n"
    "73011,B-ALB,Bassin d'Albertville\n"
)


def test_valid_file_creates_bassins_with_their_communes():
    report = bassins_import(content=VALID)
    assert report.counts == {"bassins": 2, "communes": 3}
    chambery = Bassin.objects.get(code="B-CHY")
    assert chambery.nom == "Bassin de Chambéry"
    assert set(chambery.communes.values_list("code", flat=True)) == {"73065", "73029"}
    assert chambery.region_id == "84"
    assert AuditEvent.objects.filter(object_type="territories.bassin", action="import").exists()


def test_reimport_changes_nothing_and_removes_communes_no_longer_listed():
    bassins_import(content=VALID)
    bassins_import(content=VALID)
    assert Bassin.objects.count() == 2
    assert Bassin.objects.get(code="B-CHY").communes.count() == 2
    bassins_import(content="code_commune,code_bassin,nom_bassin\n73065,B-CHY,Bassin de Chambéry\n")
    assert list(Bassin.objects.get(code="B-CHY").communes.values_list("code", flat=True)) == [
        "73065"
    ]
    assert Bassin.objects.filter(code="B-ALB").exists()  # absent from the file: left alone


def test_one_bad_row_writes_nothing_and_names_the_row_and_column():
    content = VALID + "99999,B-X,Bassin inconnu\n73065,,Sans code\n"
    with pytest.raises(ImportErrors) as exc:
        bassins_import(content=content)
    assert "Ligne 5, colonne code_commune : commune « 99999 » inconnue." in exc.value.errors
    assert "Ligne 6, colonne code_bassin : valeur manquante." in exc.value.errors
    assert not Bassin.objects.exists()


def test_semicolon_separated_file_with_bom_is_accepted():
    content = "\ufeffcode_commune;code_bassin;nom_bassin\n73065;B1;Bassin 1\n"
    assert bassins_import(content=content).counts["bassins"] == 1


def test_missing_column_is_reported():
    with pytest.raises(ImportErrors) as exc:
        bassins_import(content="code_commune,code\n73065,B1\n")
    assert "code_bassin" in exc.value.errors[0]


def test_dry_run_validates_without_writing():
    report = bassins_import(content=VALID, dry_run=True)
    assert report.counts["bassins"] == 2
    assert not Bassin.objects.exists()


def test_command_reports_errors_in_french(tmp_path):
    path = tmp_path / "bassins.csv"
    path.write_text("code_commune,code_bassin,nom_bassin\n12,B,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("territoires", "importer-bassins", str(path))
    assert not Bassin.objects.exists()


def test_shared_region_and_departement_boundaries_import(shared_data):
    Region.objects.update(contour=None)
    Departement.objects.update(contour=None)
    call_command(
        "territoires",
        "importer-contours",
        str(shared_data / "geo" / "regions.geojson"),
        niveau="regions",
    )
    call_command(
        "territoires",
        "importer-contours",
        str(shared_data / "geo" / "departements.geojson"),
        niveau="departements",
    )
    assert Region.objects.exclude(zone="com").filter(contour__isnull=True).count() == 0
    assert Departement.objects.exclude(zone="com").filter(contour__isnull=True).count() == 0
    savoie = Departement.objects.get(code="73").contour
    assert savoie["type"] in ("Polygon", "MultiPolygon")


def test_boundary_with_unknown_code_writes_nothing():
    Region.objects.update(contour=None)
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    content = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": "84"}, "geometry": square},
                {"type": "Feature", "properties": {"code": "99"}, "geometry": square},
                {"type": "Feature", "properties": {"code": "32"}, "geometry": {"type": "Point"}},
            ],
        }
    )
    with pytest.raises(ImportErrors) as exc:
        boundaries_import(content=content, level="regions")
    assert "Objet n°2, propriété code : territoire « 99 » inconnu (regions)." in exc.value.errors
    assert "Objet n°3, géométrie : Polygon ou MultiPolygon attendu." in exc.value.errors
    assert not Region.objects.filter(contour__isnull=False).exists()


def test_invalid_json_is_reported():
    with pytest.raises(ImportErrors, match="illisible"):
        boundaries_import(content="{not json", level="departements")
