"""Safety under real concurrent transactions: a fanned-out request is taken by exactly one
structure, identical POSTs racing with one Idempotency-Key create one referral, and a
co-accompaniment closed while others write on it is closed once, with nothing written after.

They run on PostgreSQL (CI) and on SQLite when its test database is a file; they are skipped on
the default in-memory SQLite test database (see ``pytestmark``).

Each thread has its own database connection (Django opens one per thread) and closes it at the
end; a ``threading.Barrier`` releases them at the same instant. These tests commit for real
(``transaction=True``), so the test database is flushed after each one; the reference
territories the other tests rely on are loaded again after this module.
"""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from aiguillage.accounts.models import User
from aiguillage.referrals import services
from aiguillage.referrals.models import (
    Accompagnement,
    Adressage,
    CleIdempotence,
    Diffusion,
    EvenementAccompagnement,
    Personne,
    Statut,
    Transition,
)
from aiguillage.referrals.workflow import TransitionInterdite
from aiguillage.territories.services import reference_load
from tests.factories import MembershipFactory, StructureFactory, scene_adressage


def _sqlite_in_memory() -> bool:
    test_name = connection.settings_dict.get("TEST", {}).get("NAME")
    return connection.vendor == "sqlite" and (not test_name or ":memory:" in str(test_name))


pytestmark = [
    # SQLite serialises writers (``BEGIN IMMEDIATE``, 20 s timeout), which these tests exercise
    # when the test database is a file; the default in-memory test database is a shared cache
    # whose table locks fail at once ("database table is locked") instead of waiting.
    pytest.mark.skipif(
        _sqlite_in_memory(),
        reason="Transactions concurrentes : PostgreSQL, ou SQLite avec une base de test sur "
        "fichier (DATABASES['default']['TEST']['NAME']).",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5
API = "/api/v1/adressages"


@pytest.fixture(scope="module", autouse=True)
def _reference_territories_back(django_db_blocker):
    yield
    # The flush after each transactional test emptied every table, territories included.
    with django_db_blocker.unblock():
        reference_load()


def run_together(count: int, work) -> list[tuple[str, object]]:
    """Run ``work(i)`` in ``count`` threads released together; ``("ok", result)`` or
    ``("error", exception)`` for each, in order."""
    barrier = threading.Barrier(count)
    results: list[tuple[str, object] | None] = [None] * count

    def worker(i: int) -> None:
        try:
            prepared = work(i, barrier)
            results[i] = ("ok", prepared)
        except Exception as exc:  # the test inspects every outcome
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "un thread est resté bloqué"
    assert all(r is not None for r in results)
    return results


def _fan_out(size: int):
    scene = scene_adressage(autres_destinataires=[StructureFactory() for _ in range(size - 1)])
    structures = list(scene.consentement.structures.order_by("pk"))
    receivers = [
        scene.recepteur if s == scene.destinataire else MembershipFactory(structure=s).user
        for s in structures
    ]
    adressages = services.adressage_create(
        personne=scene.personne,
        consentement=scene.consentement,
        destinataires=structures,
        motif="Demande diffusée",
        emettrice=scene.emettrice,
        emis_par=scene.emetteur,
    )
    by_structure = {a.destinataire_id: a.pk for a in adressages}
    return [(by_structure[s.pk], u.pk) for s, u in zip(structures, receivers, strict=True)]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_exactly_one_structure_takes_a_fanned_out_request(round_):
    pairs = _fan_out(3)

    def accept(i: int, barrier: threading.Barrier):
        adressage_id, user_id = pairs[i]
        adressage = Adressage.objects.get(pk=adressage_id)
        user = User.objects.get(pk=user_id)
        barrier.wait(timeout=30)
        return services.adressage_transition(
            adressage=adressage, vers=Statut.ACCEPTEE, acting_user=user
        ).pk

    results = run_together(3, accept)

    winners = [value for kind, value in results if kind == "ok"]
    errors = [value for kind, value in results if kind == "error"]
    assert len(winners) == 1, results
    assert len(errors) == 2
    for error in errors:
        assert isinstance(error, TransitionInterdite), repr(error)
        assert "Une autre structure a déjà pris en charge" in str(error)
    (winner,) = winners
    diffusion = Diffusion.objects.get(adressages__pk=winner)
    assert diffusion.prise_par_id == winner
    statuts = dict(diffusion.adressages.values_list("pk", "statut"))
    assert statuts.pop(winner) == Statut.ACCEPTEE
    assert set(statuts.values()) == {Statut.ANNULEE}
    for sibling in Adressage.objects.filter(pk__in=statuts):
        assert sibling.motif_annulation == "prise_par_autre"
        log = list(Transition.objects.filter(adressage=sibling).values_list("de", "vers"))
        assert log == [("", "envoyee"), ("envoyee", "annulee")]
    assert Transition.objects.filter(vers=Statut.ACCEPTEE).count() == 1


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _body(scene, motif="Projet de reconversion") -> str:
    return json.dumps(
        {
            "personne": {"prenom": "Léa", "nom": "Concurrente", "courriel": "lea@exemple.test"},
            "consentement": {"donnees": [], "mode": "en_personne"},
            "destinataires": [scene.destinataire.pk],
            "motif": motif,
        }
    )


def _post_together(scene, bodies: list[str], key: str):
    cookie = _session_cookie(scene.emetteur)

    def post(i: int, barrier: threading.Barrier):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        barrier.wait(timeout=30)
        response = client.post(
            API, bodies[i], content_type="application/json", headers={"Idempotency-Key": key}
        )
        return response.status_code, response.json()

    results = run_together(len(bodies), post)
    assert all(kind == "ok" for kind, _ in results), results
    return [value for _, value in results]


@pytest.mark.parametrize("round_", range(3))
def test_identical_posts_racing_with_one_key_create_one_referral(round_):
    scene = scene_adressage()
    count = 8

    results = _post_together(scene, [_body(scene)] * count, key=f"course-{round_}")

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 200: count - 1}, results
    ids = {tuple(a["public_id"] for a in data["adressages"]) for _, data in results}
    assert len(ids) == 1
    assert Adressage.objects.filter(emettrice=scene.emettrice).count() == 1
    assert Personne.objects.filter(nom="Concurrente").count() == 1
    assert CleIdempotence.objects.filter(utilisateur=scene.emetteur).count() == 1


def test_racing_posts_with_one_key_and_different_bodies():
    scene = scene_adressage()
    bodies = [_body(scene, motif=f"Motif {i % 2}") for i in range(6)]

    results = _post_together(scene, bodies, key="course-mixte")

    (created,) = [data for status, data in results if status == 201]
    winner_motif = created["adressages"][0]["motif"]
    for body, (status, data) in zip(bodies, results, strict=True):
        if json.loads(body)["motif"] == winner_motif:
            assert status in (200, 201)
            assert data["adressages"][0]["public_id"] == created["adressages"][0]["public_id"]
        else:
            assert status == 422
            assert "a déjà servi pour une autre requête" in data["detail"]
    assert Adressage.objects.filter(emettrice=scene.emettrice).count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_a_co_accompaniment_closed_while_others_write_on_it(round_):
    scene = scene_adressage()
    acc = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Course",
        structure=scene.destinataire,
        acting_user=scene.recepteur,
    )
    services.accompagnement_membre_add(
        accompagnement=acc,
        structure=scene.emettrice,
        role="co_referent",
        niveau_acces="parcours",
        acting_user=scene.recepteur,
    )
    # Two closings (one per leading structure) and two notes, released together.
    actions = [
        ("clore", scene.recepteur.pk),
        ("clore", scene.emetteur.pk),
        ("note", scene.recepteur.pk),
        ("note", scene.emetteur.pk),
    ]

    def act(i: int, barrier: threading.Barrier):
        kind, user_id = actions[i]
        user = User.objects.get(pk=user_id)
        accompagnement = Accompagnement.objects.get(pk=acc.pk)
        barrier.wait(timeout=30)
        if kind == "clore":
            return services.accompagnement_clore(
                accompagnement=accompagnement, auteur=user, motif="emploi"
            ).pk
        return services.accompagnement_evenement_add(
            accompagnement=accompagnement, acting_user=user, type="note", texte=f"Note {i}"
        ).pk

    results = run_together(len(actions), act)

    closings = results[:2]
    assert sum(kind == "ok" for kind, _ in closings) == 1, closings
    for kind, value in results:
        if kind == "error":
            assert isinstance(value, TransitionInterdite), repr(value)
            assert "clos" in str(value)
    cloture = EvenementAccompagnement.objects.get(accompagnement_id=acc.pk, type="cloture")
    notes = EvenementAccompagnement.objects.filter(accompagnement_id=acc.pk, type="note")
    assert notes.count() == sum(kind == "ok" for kind, _ in results[2:])
    # Whatever was written went in before the closing, never after it.
    assert all(note.pk < cloture.pk for note in notes)
    assert Accompagnement.objects.get(pk=acc.pk).motif_cloture == "emploi"
