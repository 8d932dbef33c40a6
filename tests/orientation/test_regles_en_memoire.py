"""The rules' answer kept per checked situation (``services.regles_pour``), the API's answer
written from the kept JSON, the buffer fed with field values, and what the writer keeps."""

from __future__ import annotations

import json
from datetime import date

import orjson
import pytest
from django.db import connection

from aiguillage import rules
from aiguillage.orientation import buffer as buffer_module
from aiguillage.orientation import services
from aiguillage.orientation.models import Canal, Diagnostic, ReponseRegles
from tests.factories import StructureFactory, site_serving

API = "/api/v1/orientation/decisions"
SITUATION = {"date": "2026-03-02", "age": 24, "activite": "salarie", "contrat": "cdd"}


def checked(situation: dict, on: date | None = None) -> rules.Situation:
    return rules.valider_situation(situation, date=on)


def test_the_same_situation_is_evaluated_once():
    services.regles_pour.cache_clear()
    first = services.regles_pour(checked(SITUATION))
    again = services.regles_pour(checked(dict(SITUATION)))
    assert again is first
    assert services.regles_pour.cache_info().hits == 1
    assert services.regles_pour.cache_info().misses == 1


def test_another_date_or_fact_is_another_evaluation():
    services.regles_pour.cache_clear()
    undated = {"age": 30, "activite": "demandeur_emploi"}
    before = services.regles_pour(checked(undated, on=date(2023, 12, 31)))
    after = services.regles_pour(checked(undated, on=date(2024, 1, 1)))
    other = services.regles_pour(checked({**undated, "cadre": True}, on=date(2024, 1, 1)))
    assert services.regles_pour.cache_info().misses == 3
    # Pôle emploi became France Travail on 2024-01-01: the kept answers differ as the rules do.
    assert b"P\xc3\xb4le emploi" in before.decision and b"P\xc3\xb4le emploi" not in after.decision
    assert "apec" in other.reseaux and "apec" not in after.reseaux


def test_the_kept_answer_is_exactly_the_rules_answer():
    regles = services.regles_pour(checked(SITUATION))
    decision = rules.evaluer(SITUATION)
    trace = decision.pop("trace")
    assert orjson.loads(regles.decision) == decision
    assert list(orjson.loads(regles.decision)) == list(decision)  # the keys' order too
    assert orjson.loads(regles.trace) == trace
    assert regles.reseaux == tuple(o["reseau"] for o in decision["operateurs"])
    assert regles.version_regles == rules.VERSION_REGLES


def test_the_cache_is_bounded():
    assert services.regles_pour.cache_info().maxsize == services.REGLES_EN_MEMOIRE


def test_a_date_before_the_rules_is_refused_every_time():
    services.regles_pour.cache_clear()
    for _ in range(2):
        with pytest.raises(rules.SituationInvalide):
            services.decision_for({**SITUATION, "date": "2010-01-01"})
    assert services.regles_pour.cache_info().currsize == 0


@pytest.mark.django_db
def test_a_caller_changing_its_decision_does_not_change_the_next_one():
    site_serving(commune="73065", structure=StructureFactory(reseau="cep_actifs_occupes"))
    situation = {**SITUATION, "commune": "73065"}
    first = services.decision_for(situation)
    expected = json.loads(json.dumps(first))
    first["operateurs"][0]["sites"].clear()
    first["operateurs"][0]["motif"] = "changé"
    first["trace"].clear()
    first["a_preciser"].append({"champ": "x"})
    assert services.decision_for(situation) == expected


@pytest.mark.django_db
def test_sites_are_read_at_each_call_not_kept():
    situation = {**SITUATION, "commune": "73065"}
    services.decision_for(situation)  # the rules' answer is now kept
    site = site_serving(commune="73065", structure=StructureFactory(reseau="cep_actifs_occupes"))
    operateurs = services.decision_for(situation)["operateurs"]
    operateur = next(o for o in operateurs if o["reseau"] == site.structure.reseau)
    assert [s["id"] for s in operateur["sites"]] == [site.pk]


@pytest.mark.django_db
def test_the_api_answer_is_the_renderers_json_of_the_decision(client, settings, diagnostics_buffer):
    settings.AIGUILLAGE_DIAGNOSTICS_DIFFERES = True
    site_serving(commune="73065", structure=StructureFactory(reseau="apec"))
    for situation in (SITUATION, {**SITUATION, "commune": "73065", "cadre": True}):
        response = client.post(API, situation, content_type="application/json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        answer = response.json()
        expected = {"diagnostic": answer["diagnostic"], **services.decision_for(situation)}
        assert list(answer) == list(expected)
        # Byte for byte what ninja's renderer would write for the same dict.
        assert response.content == orjson.dumps(expected)
    assert diagnostics_buffer.flush() == 2
    stored = Diagnostic.objects.get(public_id=answer["diagnostic"])
    assert stored.decision_complete == {k: v for k, v in answer.items() if k != "diagnostic"}
    assert stored.public_id.version == 7


def values(**changes) -> dict:
    return {
        "public_id": services.uuid7(),
        "canal": Canal.API,
        "date_situation": date(2026, 3, 2),
        "situation": {"age": 24},
        "reponse_id": "r1",
        "version_regles": "v",
        **changes,
    }


def reponse(resume: str = "Écrit tel quel.", **changes) -> dict:
    decision = {"resume": resume, "operateurs": [{"reseau": "apec", "sites": []}], "hors_cep": []}
    return {
        "decision": orjson.Fragment(orjson.dumps(decision)),
        "trace": orjson.Fragment(b'[{"regle":"r","resultat":true}]'),
        **changes,
    }


@pytest.mark.django_db
def test_field_values_with_encoded_json_are_written_as_a_diagnostic_would_be():
    buffer = buffer_module.DiagnosticBuffer(background=False)
    given = values(sites={"apec": [{"id": 1}]})
    buffer.add(given, reponses={"r1": reponse()})
    assert buffer.flush() == 1
    stored = Diagnostic.objects.select_related("reponse").get(public_id=given["public_id"])
    assert stored.decision == {
        "resume": "Écrit tel quel.",
        "operateurs": [{"reseau": "apec", "sites": [{"id": 1}]}],
        "hors_cep": [],
    }
    assert stored.reponse.trace == [{"regle": "r", "resultat": True}]
    assert stored.reseaux == [] and stored.cree_le is not None  # default, auto_now_add


@pytest.mark.django_db
def test_an_answer_is_stored_once_for_all_the_diagnostics_that_share_it():
    buffer = buffer_module.DiagnosticBuffer(background=False)
    for _ in range(3):
        buffer.add(values(), reponses={"r1": reponse()})
    buffer.add(values(reponse_id="r2"), reponses={"r2": reponse("Autre.")})
    assert len(buffer._reponses) == 2  # queued once each
    assert buffer.flush() == 4
    buffer.add(values(), reponses={"r1": reponse()})
    assert not buffer._reponses  # known to be stored: not sent again
    assert buffer.flush() == 1
    assert ReponseRegles.objects.count() == 2
    assert Diagnostic.objects.filter(reponse_id="r1").count() == 4


@pytest.mark.django_db
def test_an_answer_already_stored_by_another_process_is_left_as_it_is():
    ReponseRegles.objects.create(empreinte="r1", decision={"resume": "déjà là"}, trace=[])
    buffer = buffer_module.DiagnosticBuffer(background=False)
    buffer.add(values(), reponses={"r1": reponse()})
    assert buffer.flush() == 1
    assert ReponseRegles.objects.get().decision == {"resume": "déjà là"}


@pytest.mark.django_db
def test_the_api_shares_the_answer_of_a_repeated_situation(client, settings, diagnostics_buffer):
    settings.AIGUILLAGE_DIAGNOSTICS_DIFFERES = True
    site_serving(commune="73065", structure=StructureFactory(reseau="cep_actifs_occupes"))
    with_commune = {**SITUATION, "commune": "73065"}
    situations = (SITUATION, SITUATION, with_commune, with_commune, {**SITUATION, "cadre": True})
    for situation in situations:
        assert client.post(API, situation, content_type="application/json").status_code == 200
    assert diagnostics_buffer.flush() == 5
    assert Diagnostic.objects.count() == 5
    assert ReponseRegles.objects.count() == 3  # one a situation (the commune is one of its facts)
    regles = services.regles_pour(checked(SITUATION))
    stored = ReponseRegles.objects.get(pk=regles.empreinte)
    assert stored.decision == orjson.loads(regles.decision)
    assert stored.trace == orjson.loads(regles.trace)
    for diagnostic in Diagnostic.objects.filter(commune="73065"):  # its own sites kept with it
        assert diagnostic.sites["cep_actifs_occupes"][0]["commune"] == "Chambéry"
        assert diagnostic.decision_complete == services.decision_for(with_commune)
    # The page and the API store the same answer under the same identifier.
    services.diagnostic_create(situation=SITUATION, canal=Canal.PORTAIL)
    assert ReponseRegles.objects.count() == 3


def test_an_answers_identifier_does_not_depend_on_the_order_of_its_keys():
    decision = {"resume": "r", "operateurs": [{"reseau": "apec", "sites": []}]}
    trace = [{"regle": "r", "resultat": True, "parametres": [{"nom": "n", "valeur": 1}]}]
    reordered = [{"parametres": [{"valeur": 1, "nom": "n"}], "resultat": True, "regle": "r"}]
    same = services.reponse_empreinte(decision, trace)
    assert same == services.reponse_empreinte(dict(reversed(decision.items())), reordered)
    assert same != services.reponse_empreinte(decision, [{**trace[0], "regle": "x"}])
    assert same != services.reponse_empreinte({**decision, "resume": "s"}, trace)


@pytest.mark.django_db
def test_encoded_json_is_decoded_when_django_saves_it_itself(monkeypatch):
    monkeypatch.setattr(buffer_module, "insert_plan", lambda: type("P", (), {"simple": False}))
    buffer = buffer_module.DiagnosticBuffer(background=False)
    buffer.add(values(), reponses={"r1": reponse(trace=orjson.Fragment(b'[{"regle":"s"}]'))})
    stored = Diagnostic.objects.select_related("reponse").get()
    assert stored.decision["resume"] == "Écrit tel quel."
    assert stored.reponse.trace == [{"regle": "s"}]


@pytest.mark.django_db(transaction=True)
def test_the_writer_keeps_its_connection_between_writes_unless_old_or_broken():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django ne ferme jamais la base SQLite en mémoire des tests")
    connection.ensure_connection()
    buffer_module._keep_or_close(age=1.0)
    assert connection.connection is not None  # kept, whatever CONN_MAX_AGE says of requests
    buffer_module._keep_or_close(age=buffer_module.WRITER_CONNECTION_SECONDS + 1)
    assert connection.connection is None  # renewed after a while
