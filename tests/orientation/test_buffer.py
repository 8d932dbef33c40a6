"""The API's diagnostics are written behind the response, in batches (ADR 0002)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja.renderers import JSONRenderer

from aiguillage.api.main import ORJSONRenderer
from aiguillage.orientation import buffer as buffer_module
from aiguillage.orientation.buffer import DiagnosticBuffer
from aiguillage.orientation.models import Canal, Diagnostic
from aiguillage.orientation.services import decision_for, diagnostic_build
from tests.factories import StructureFactory, site_serving

SITUATION = {
    "date": "2026-03-02",
    "age": 24,
    "activite": "salarie",
    "contrat": "cdd",
    "cadre": True,
    "commune": "73065",
}
API = "/api/v1/orientation/decisions"


def situations(n: int) -> list[dict]:
    return [
        {"age": 18 + i % 40, "activite": "salarie", "contrat": "cdi", "commune": "73065"}
        for i in range(n)
    ]


@pytest.mark.django_db
def test_an_api_diagnostic_reaches_the_database_once_the_buffer_is_flushed(
    client, settings, diagnostics_buffer
):
    settings.AIGUILLAGE_DIAGNOSTICS_DIFFERES = True
    site_serving(commune="73065", structure=StructureFactory(reseau="apec"))
    response = client.post(API, SITUATION, content_type="application/json")
    assert response.status_code == 200
    public_id = response.json()["diagnostic"]
    assert len(diagnostics_buffer) == 1
    assert not Diagnostic.objects.filter(public_id=public_id).exists()

    assert diagnostics_buffer.flush() == 1

    stored = Diagnostic.objects.get(public_id=public_id)
    answer = response.json()
    answer.pop("diagnostic")
    assert stored.decision_complete == answer == decision_for(SITUATION)
    assert stored.canal == Canal.API
    assert stored.region_id == "84"
    assert stored.commune_id is not None
    assert stored.cree_le is not None
    assert len(diagnostics_buffer) == 0


@pytest.mark.django_db
def test_with_the_setting_off_the_api_writes_in_the_request(client, settings, diagnostics_buffer):
    settings.AIGUILLAGE_DIAGNOSTICS_DIFFERES = False
    response = client.post(API, SITUATION, content_type="application/json")
    assert Diagnostic.objects.filter(public_id=response.json()["diagnostic"]).exists()
    assert len(diagnostics_buffer) == 0


@pytest.mark.django_db
def test_the_portal_never_waits_in_the_buffer(client, diagnostics_buffer):
    answers = {"activite": "salarie", "contrat": "cdd", "age": "24", "rqth": "non", "cadre": "oui"}
    response = client.post("/orientation/resultat/", {**answers, "commune": "73065"})
    assert response.status_code == 302
    assert Diagnostic.objects.filter(canal=Canal.PORTAIL).count() == 1
    assert len(diagnostics_buffer) == 0


@pytest.mark.django_db
def test_a_batch_is_stored_as_created_one_by_one():
    buffer = DiagnosticBuffer(background=False)
    built = [diagnostic_build(situation=s, canal=Canal.API) for s in situations(25)]
    for diagnostic in built:
        buffer.add(diagnostic)
    assert Diagnostic.objects.count() == 0
    assert buffer.flush() == 25
    assert buffer.flush() == 0
    stored = {d.public_id: d for d in Diagnostic.objects.all()}
    assert set(stored) == {d.public_id for d in built}
    for diagnostic in built:
        row = stored[diagnostic.public_id]
        assert row.situation == diagnostic.situation
        assert row.decision_complete == diagnostic.decision_complete
        assert row.reseaux == diagnostic.reseaux
        assert row.region_id == "84"
        assert row.date_situation == timezone.localdate()


@pytest.mark.django_db
def test_a_diagnostic_is_dated_when_it_is_queued_not_when_it_is_written():
    buffer = DiagnosticBuffer(background=False)
    before = timezone.now()
    diagnostic = diagnostic_build(situation=situations(1)[0], canal=Canal.API)
    buffer.add(diagnostic)
    queued = timezone.now()
    time.sleep(0.05)
    buffer.flush()
    assert before <= Diagnostic.objects.get().cree_le <= queued


@pytest.mark.django_db
def test_a_model_the_buffer_cannot_hold_is_written_at_once(monkeypatch):
    monkeypatch.setattr(buffer_module, "insert_plan", lambda: SimpleNamespace(simple=False))
    buffer = DiagnosticBuffer(background=False)
    buffer.add(diagnostic_build(situation=situations(1)[0], canal=Canal.API))
    assert len(buffer) == 0
    assert Diagnostic.objects.count() == 1


@pytest.mark.django_db
def test_a_full_buffer_is_written_by_the_request_itself():
    buffer = DiagnosticBuffer(background=False, max_pending=3)
    for situation in situations(2):
        buffer.add(diagnostic_build(situation=situation, canal=Canal.API))
    assert Diagnostic.objects.count() == 0
    buffer.add(diagnostic_build(situation=situations(1)[0], canal=Canal.API))
    assert Diagnostic.objects.count() == 3
    assert len(buffer) == 0


@pytest.mark.django_db
def test_an_unreachable_database_keeps_the_rows_for_the_next_flush(monkeypatch, caplog):
    buffer = DiagnosticBuffer(background=False)
    for situation in situations(4):
        buffer.add(diagnostic_build(situation=situation, canal=Canal.API))

    def down(plan, rows):
        raise OperationalError("connexion perdue")

    monkeypatch.setattr(buffer_module, "_insert", down)
    assert buffer.flush() == 0
    assert len(buffer) == 4
    assert "Base indisponible" in caplog.text
    monkeypatch.undo()
    assert buffer.flush() == 4
    assert Diagnostic.objects.count() == 4


@pytest.mark.django_db
def test_a_bad_row_does_not_cost_the_others(caplog):
    buffer = DiagnosticBuffer(background=False)
    built = [diagnostic_build(situation=s, canal=Canal.API) for s in situations(3)]
    built[2].public_id = built[0].public_id  # violates the unique constraint
    for diagnostic in built:
        buffer.add(diagnostic)
    assert buffer.flush() == 2
    assert Diagnostic.objects.count() == 2
    assert "non enregistré" in caplog.text


@pytest.mark.django_db
def test_what_is_left_is_written_when_the_process_exits():
    buffer = DiagnosticBuffer(background=False)
    buffer.add(diagnostic_build(situation=situations(1)[0], canal=Canal.API))
    buffer._flush_at_exit()  # registered with atexit by the first add
    assert Diagnostic.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_writes_without_anyone_flushing():
    buffer = DiagnosticBuffer(interval=0.05)
    try:
        for situation in situations(5):
            buffer.add(diagnostic_build(situation=situation, canal=Canal.API))
        deadline = time.monotonic() + 10
        while Diagnostic.objects.count() < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert Diagnostic.objects.count() == 5
        assert len(buffer) == 0
    finally:
        buffer.close()  # stops the thread and closes its database connection


def test_the_api_renderer_writes_the_same_json_as_ninjas():
    data = {
        "texte": "Apprentissage à Chambéry — « CEP »",
        "nombres": [1, 2.5, -3, None, True],
        "quand": datetime(2026, 3, 2, 10, 30, 15, 123456, tzinfo=UTC),
        "jour": date(2026, 3, 2),
        "montant": Decimal("12.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "paresseux": gettext_lazy("Orientation"),
        "imbrique": {"a": [{"b": ()}]},
        3: "clé entière",
    }
    ours = ORJSONRenderer().render(None, data, response_status=200)
    ninjas = JSONRenderer().render(None, data, response_status=200)
    assert json.loads(ours) == json.loads(ninjas)
