"""The referrals inbox with 1,000,000 referrals (and as many people and consents).

Data: ``--structures`` structures (default 500) in four régions, one counsellor each; then
``--referrals`` referrals (default 1,000,000) over two years, each with its person, its consent
and the consent's receiving structure, inserted in bulk (``COPY`` on PostgreSQL, ``executemany``
on SQLite) with every model constraint respected. Receivers and senders follow a Zipf law
(exponent 0.8) so that the busiest structure receives about 8 % of everything (~77,000); 10 %
of the requests come from the public portal. Statuses follow the referral's age: recent ones are
mostly open, older ones mostly closed (terminée, refusée, expirée, annulée, redirigée), with
their timestamps, reasons and outcomes. The transition log is not generated (the inbox does not
read it).

Measured for a counsellor of the busiest structure, ``--runs`` times after warm-up (grants are
re-read each run, as in a request): ``selectors.inbox`` on each tab, a later page, the last page,
a status filter; the rendered page through the Django test client (``GET /adressages/``, with
its audit record); the structure and région dashboards' aggregates (fewer runs). The baseline is
the bare indexed query ``SELECT … FROM adressage WHERE destinataire_id = X ORDER BY cree_le
DESC LIMIT 50`` measured in the same run.

Runs in its own throwaway database (``<name>_adressages`` on PostgreSQL, a temporary file on
SQLite), dropped at the end. ``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the inbox's
queries (PostgreSQL). Then, unless ``--no-experiments``, the changes proposed in
docs/performance.md are tried in that throwaway database only (the project's models and
migrations are untouched): the page's rows fetched by a deferred join, then two indexes.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import fr, measure, row

REGIONS = [
    ("84", "Auvergne-Rhône-Alpes"),
    ("32", "Hauts-de-France"),
    ("11", "Île-de-France"),
    ("93", "Provence-Alpes-Côte d'Azur"),
]
RESEAUX = [
    ("france_travail", 25),
    ("mission_locale", 20),
    ("cap_emploi", 10),
    ("cep_actifs_occupes", 10),
    ("apec", 5),
    ("cio", 8),
    ("info_jeunes", 7),
    ("plie", 5),
    ("maison_emploi", 5),
    ("autre", 5),
]
PRENOMS = ["Camille", "Louis", "Léa", "Hugo", "Chloé", "Nathan", "Inès", "Yanis", "Manon", "Sami"]
NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy"]
MOTIFS_REFUS = [
    "hors_public",
    "hors_territoire",
    "pas_de_capacite",
    "deja_accompagnee",
    "incomplet",
]
RESULTATS = [
    "accompagnement_realise",
    "formation_engagee",
    "emploi",
    "abandon",
    "injoignable",
    "non_eligible",
    "pas_de_capacite",
    "reoriente",
]
ANNULATIONS = ["annulee_par_emettrice", "consentement_retire", "prise_par_autre", "doublon"]
# Status by age of the referral (days): (upper bound, [(status, weight), …]).
STATUTS_PAR_AGE = [
    (
        7,
        [
            ("envoyee", 40),
            ("recue", 25),
            ("acceptee", 18),
            ("premier_contact", 10),
            ("refusee", 3),
            ("annulee", 4),
        ],
    ),
    (
        30,
        [
            ("envoyee", 6),
            ("recue", 8),
            ("acceptee", 14),
            ("premier_contact", 18),
            ("en_cours", 25),
            ("refusee", 12),
            ("redirigee", 5),
            ("annulee", 8),
            ("terminee", 4),
        ],
    ),
    (
        10_000,
        [
            ("acceptee", 1),
            ("premier_contact", 2),
            ("en_cours", 8),
            ("terminee", 47),
            ("refusee", 15),
            ("redirigee", 5),
            ("expiree", 12),
            ("annulee", 10),
        ],
    ),
]
FINAUX = {"refusee", "redirigee", "terminee", "expiree", "annulee"}
APRES_ACCEPTATION = {"acceptee", "premier_contact", "en_cours", "terminee"}
APRES_CONTACT = {"premier_contact", "en_cours", "terminee"}


def _weighted(rng: random.Random, cumulative: list[float], values: list):
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


# --- Database ---------------------------------------------------------------------------------


def own_database() -> tuple[str, callable]:
    """Point DATABASE_URL at a database of our own; return its label and a cleanup function."""
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urlparse(url)
        name = parsed.path.lstrip("/") + "_adressages"
        admin = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path="/" + name))

        def drop():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return name, drop
    path = Path(urlparse(url).path).with_name("bench_adressages.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    def remove():
        from django.db import connections

        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return str(path), remove


class Inserter:
    """Bulk insert of plain tuples: ``COPY`` on PostgreSQL, ``executemany`` elsewhere."""

    def __init__(self, connection):
        self.connection = connection
        self.pg = connection.vendor == "postgresql"

    def value(self, v):
        if self.pg:
            return v
        if isinstance(v, uuid.UUID):
            return v.hex
        if isinstance(v, datetime):
            return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, date):
            return v.isoformat()
        return v

    def insert(self, model, columns: list[str], rows) -> int:
        table = model._meta.db_table
        n = 0
        with self.connection.cursor() as cursor:
            if self.pg:
                cols = ", ".join(f'"{c}"' for c in columns)
                with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for r in rows:
                        copy.write_row(r)
                        n += 1
                return n
            sql = (
                f'INSERT INTO "{table}" ({", ".join(columns)}) '
                f"VALUES ({', '.join('%s' for _ in columns)})"
            )
            rows = iter(rows)
            while chunk := list(itertools.islice(rows, 20_000)):
                cursor.executemany(sql, [tuple(self.value(v) for v in r) for r in chunk])
                n += len(chunk)
        return n


# --- Data -------------------------------------------------------------------------------------


def load(*, referrals: int, structures: int, seed: int = 0) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from aiguillage.accounts.models import Membership, Role, User
    from aiguillage.directory.models import Structure
    from aiguillage.referrals.models import Adressage, Consentement, Personne
    from aiguillage.territories.models import Region
    from aiguillage.territories.search import normalise

    rng = random.Random(seed)
    for code, nom in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"nom": nom})
    reseaux, poids = zip(*RESEAUX, strict=True)
    cum_reseaux = _cumulative(poids)
    created = Structure.objects.bulk_create(
        Structure(
            nom=f"Structure {i + 1:03d}",
            reseau=_weighted(rng, cum_reseaux, reseaux),
            region_id=REGIONS[i % len(REGIONS)][0],
        )
        for i in range(structures)
    )
    ids = [s.pk for s in created]
    password = make_password("benchmark-mot-de-passe")
    users = User.objects.bulk_create(
        User(email=f"conseiller{i}@exemple.test", password=password, first_name="C", last_name="B")
        for i in range(structures)
    )
    Membership.objects.bulk_create(
        Membership(user=u, structure_id=s, role=Role.CONSEILLER)
        for u, s in zip(users, ids, strict=True)
    )
    # Zipf (0.8) over two independent orders: receivers and senders are not the same ranking.
    zipf = [1 / (k + 1) ** 0.8 for k in range(structures)]
    receivers, senders = ids[:], ids[:]
    rng.shuffle(receivers)
    rng.shuffle(senders)
    cum_zipf = _cumulative(zipf)
    age_tables = [(limit, *zip(*table, strict=True)) for limit, table in STATUTS_PAR_AGE]
    age_tables = [(limit, list(st), _cumulative(w)) for limit, st, w in age_tables]
    now = timezone.now()
    hour = timedelta(hours=1)
    normalised = {n: normalise(n) for n in PRENOMS + NOMS}

    plans = []
    for i in range(1, referrals + 1):
        age = rng.random() * 730
        cree = now - timedelta(days=age)
        dest = _weighted(rng, cum_zipf, receivers)
        emettrice = None
        if rng.random() >= 0.10:
            emettrice = _weighted(rng, cum_zipf, senders)
            while emettrice == dest:
                emettrice = rng.choice(senders)
        statut = next(_weighted(rng, c, st) for limit, st, c in age_tables if age < limit)
        plans.append((i, cree, dest, emettrice, statut, rng.getrandbits(64)))

    ins = Inserter(connection)
    started = time.perf_counter()
    with transaction.atomic():

        def personnes():
            for i, cree, _dest, emettrice, _statut, bits in plans:
                prenom, nom = PRENOMS[bits % 10], NOMS[(bits >> 4) % 9]
                yield (
                    i,
                    uuid.UUID(int=bits << 64 | i, version=4),
                    cree,
                    cree,
                    emettrice,
                    prenom,
                    nom,
                    date(1960 + (bits >> 8) % 45, 1 + (bits >> 14) % 12, 1 + (bits >> 18) % 28),
                    f"personne{i}@exemple.test",
                    f"06 {(bits >> 24) % 100:02d} {(bits >> 32) % 100:02d} {i % 10000:04d}",
                    "courriel",
                    False,
                    normalised[prenom],
                    normalised[nom],
                )

        ins.insert(
            Personne,
            [
                "id",
                "public_id",
                "cree_le",
                "modifiee_le",
                "structure_creatrice_id",
                "prenom",
                "nom",
                "date_naissance",
                "courriel",
                "telephone",
                "preference_contact",
                "contact_uniquement_ainsi",
                "prenom_normalise",
                "nom_normalise",
            ],
            personnes(),
        )
        donnees = json.dumps(["identite", "coordonnees", "commune", "situation"])

        def consentements():
            for i, cree, _dest, emettrice, _statut, bits in plans:
                yield (
                    i,
                    uuid.UUID(int=(bits ^ 0x5A5A) << 64 | i, version=4),
                    i,
                    donnees,
                    "portail" if emettrice is None else "en_personne",
                    emettrice,
                    "Texte du consentement présenté à la personne (jeu de mesure).",
                    cree,
                    (cree + timedelta(days=730)).date(),
                )

        ins.insert(
            Consentement,
            [
                "id",
                "public_id",
                "personne_id",
                "donnees_partagees",
                "mode",
                "structure_id",
                "texte",
                "donne_le",
                "valable_jusqu_au",
            ],
            consentements(),
        )
        through = Consentement.structures.through
        ins.insert(
            through,
            ["id", "consentement_id", "structure_id"],
            ((i, i, dest) for i, _c, dest, _e, _s, _b in plans),
        )

        def adressages():
            for i, cree, dest, emettrice, statut, bits in plans:
                r = random.Random(bits)
                recue = acceptee = contact = cloturee = None
                if statut not in ("envoyee", "expiree") and not (statut == "annulee" and bits % 2):
                    recue = cree + r.random() * 72 * hour
                if statut in APRES_ACCEPTATION:
                    acceptee = recue + r.random() * 120 * hour
                if statut in APRES_CONTACT:
                    contact = acceptee + r.random() * 240 * hour
                last = contact or acceptee or recue or cree
                if statut in FINAUX:
                    cloturee = (
                        cree + timedelta(days=30)
                        if statut == "expiree"
                        else last + r.random() * 720 * hour
                    )
                    cloturee = min(cloturee, now)
                yield (
                    i,
                    uuid.UUID(int=(bits ^ 0xA5A5) << 64 | i, version=4),
                    cree,
                    cloturee or last,
                    "portail" if emettrice is None else "conseiller",
                    i,
                    i,
                    emettrice,
                    dest,
                    "Projet de reconversion professionnelle",
                    "",
                    statut,
                    cloturee or last,
                    r.choice(MOTIFS_REFUS) if statut == "refusee" else "",
                    r.choice(RESULTATS) if statut == "terminee" else "",
                    r.choice(ANNULATIONS) if statut == "annulee" else "",
                    "",
                    recue,
                    acceptee,
                    contact,
                    cloturee,
                )

        ins.insert(
            Adressage,
            [
                "id",
                "public_id",
                "cree_le",
                "modifie_le",
                "canal",
                "personne_id",
                "consentement_id",
                "emettrice_id",
                "destinataire_id",
                "motif",
                "note",
                "statut",
                "statut_depuis",
                "motif_refus",
                "resultat",
                "motif_annulation",
                "commentaire_cloture",
                "recue_le",
                "acceptee_le",
                "premier_contact_le",
                "cloturee_le",
            ],
            adressages(),
        )
        reset = connection.ops.sequence_reset_sql(
            no_style(), [Personne, Consentement, through, Adressage]
        )
        with connection.cursor() as cursor:
            for sql in reset:
                cursor.execute(sql)
    inserted = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum does in production soon after a bulk load: statistics, and the
        # visibility map that lets counts use index-only scans.
        cursor.execute("VACUUM ANALYZE" if ins.pg else "ANALYZE")
    busiest = receivers[0]
    return {
        "busiest": busiest,
        "user": users[ids.index(busiest)],
        "region": Structure.objects.get(pk=busiest).region_id,
        "insert_s": inserted,
    }


# --- Measures ---------------------------------------------------------------------------------


def explain(label: str, fn) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    print(f"\n### EXPLAIN — {label}\n")
    with connection.cursor() as cursor:
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            print("```sql\n" + sql + "\n```\n```")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(r[0] for r in cursor.fetchall()) + "\n```")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50, help="at most this many timed runs")
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--structures", type=int, default=500)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--experiments",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the proposed deferred join and indexes (in the throwaway database)",
    )
    args = parser.parse_args()
    runs = min(args.repeat, args.runs)
    database = os.environ.get("BENCH_DATABASE_LABEL", "?")
    _name, cleanup = own_database()
    try:
        _run(args, runs, database)
    finally:
        cleanup()


def _run(args, runs: int, database: str) -> None:
    from benchmarks.common import setup_django

    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from aiguillage.referrals import selectors, stats
    from aiguillage.referrals.models import Adressage

    started = time.perf_counter()
    data = load(referrals=args.referrals, structures=args.structures)
    loaded = time.perf_counter() - started
    busiest, user = data["busiest"], data["user"]
    received = Adressage.objects.filter(destinataire_id=busiest).count()
    sent = Adressage.objects.filter(emettrice_id=busiest).count()
    print(
        f"Données ({database}) : {fr(Adressage.objects.count())} adressages, "
        f"{args.structures} structures ; structure la plus chargée : {fr(received)} reçus, "
        f"{fr(sent)} envoyés. Chargement {loaded:.0f} s (dont insertion "
        f"{data['insert_s']:.0f} s).",
        flush=True,
    )
    size = f"{fr(args.referrals)} adressages ({fr(received)} reçus par la structure)"

    def fresh_user():
        user.__dict__.pop("_aiguillage_grants", None)
        return user

    def inbox(**kwargs):
        return lambda: selectors.inbox(user=fresh_user(), **kwargs)

    last_page = (received + selectors.PER_PAGE - 1) // selectors.PER_PAGE

    def bare():
        return list(
            Adressage.objects.filter(destinataire_id=busiest)
            .order_by("-cree_le")
            .values_list("pk", "cree_le")[:50]
        )

    measures = [
        ("`inbox` « À traiter », 1re page", inbox(boite="a_traiter")),
        ("`inbox` « Reçus », 1re page", inbox(boite="recus")),
        ("`inbox` « Envoyés », 1re page", inbox(boite="envoyes")),
        ("`inbox` « Reçus », page 20", inbox(boite="recus", page=20)),
        (f"`inbox` « Reçus », dernière page ({last_page})", inbox(boite="recus", page=last_page)),
        ("`inbox` « Reçus », filtre statut « refusée »", inbox(boite="recus", statut="refusee")),
    ]
    setup_test_environment()
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns otherwise
    # Production settings, except that static files are not collected for the benchmark.
    override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    client = Client()
    client.force_login(user)
    probe = client.get("/adressages/", {"boite": "recus"})
    if probe.status_code == 200:
        for boite in ("a_traiter", "recus"):

            def page(boite=boite):
                response = client.get("/adressages/", {"boite": boite})
                assert response.status_code == 200, response.status_code

            measures.append((f"Page `GET /adressages/?boite={boite}` (client de test)", page))
    else:
        print(f"Page de la boîte de réception indisponible (HTTP {probe.status_code}).")

    if args.explain and database == "PostgreSQL":
        for label, fn in measures[:6]:
            explain(label, fn)

    baseline = measure(bare, runs, warmup=5)
    print(row(database, "Requête indexée nue (50 derniers reçus, `LIMIT 50`)", size, baseline))
    for label, fn in measures:
        print(row(database, label, size, measure(fn, runs, warmup=5), baseline), flush=True)
    periode = stats.Periode.derniers_mois(12)
    from aiguillage.directory.models import Structure

    structure = Structure.objects.get(pk=busiest)
    heavy = max(5, runs // 5)
    print(
        row(
            database,
            "Tableau de bord de la structure (agrégats, 12 mois)",
            size,
            measure(
                lambda: stats.structure_statistiques(structure=structure, periode=periode),
                heavy,
                warmup=1,
            ),
            baseline,
        ),
        flush=True,
    )
    print(
        row(
            database,
            f"Tableau de bord régional (région {data['region']}, 12 mois)",
            size,
            measure(
                lambda: stats.region_statistiques(region_code=data["region"], periode=periode),
                heavy,
                warmup=1,
            ),
            baseline,
        ),
        flush=True,
    )

    if args.experiments:
        _experiments(user, busiest, received, runs, database, size, baseline, args.explain)


def _experiments(user, busiest, received, runs, database, size, baseline, with_explain):
    """What the proposed changes would give (in this throwaway database only; the project's
    models and migrations are untouched): a deferred join for the page, then two indexes."""
    from django.db import connection
    from django.db.models import Exists, OuterRef

    from aiguillage.referrals.models import Adressage, Consentement

    last = (received + 49) // 50
    covers = Consentement.structures.through.objects.filter(
        consentement_id=OuterRef("consentement_id"), structure_id=OuterRef("destinataire_id")
    )

    def deferred(page: int, statut: str = ""):
        """Count, then the page's ids from the index alone, then those 50 rows with joins."""

        def run():
            qs = Adressage.objects.filter(destinataire_id=busiest)
            if statut:
                qs = qs.filter(statut=statut)
            qs.count()
            start = (page - 1) * 50
            ids = list(
                qs.order_by("-cree_le", "-pk").values_list("pk", flat=True)[start : start + 50]
            )
            return list(
                Adressage.objects.filter(pk__in=ids)
                .select_related("emettrice", "destinataire", "personne", "consentement")
                .annotate(consentement_couvre=Exists(covers))
                .order_by("-cree_le", "-pk")
            )

        return run

    from aiguillage.referrals import selectors

    def user_inbox(**kwargs):
        def run():
            user.__dict__.pop("_aiguillage_grants", None)
            return selectors.inbox(user=user, **kwargs)

        return run

    cases = [
        ("jointure différée, page 20", deferred(20)),
        (f"jointure différée, dernière page ({last})", deferred(last)),
        ("jointure différée, filtre « refusée »", deferred(1, "refusee")),
    ]
    for label, fn in cases:
        result = measure(fn, runs, warmup=3)
        print(row(database, f"Expérience — {label}", size, result, baseline), flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX bench_recus_cree_id ON referrals_adressage "
            "(destinataire_id, cree_le DESC, id DESC)"
        )
        cursor.execute(
            "CREATE INDEX bench_recus_statut ON referrals_adressage "
            "(destinataire_id, statut, cree_le DESC)"
        )
        cursor.execute(
            "VACUUM ANALYZE referrals_adressage"
            if connection.vendor == "postgresql"
            else "ANALYZE referrals_adressage"
        )
    cases = [
        ("index proposés, `inbox` « Reçus », page 20", user_inbox(boite="recus", page=20)),
        (
            f"index proposés, `inbox` « Reçus », dernière page ({last})",
            user_inbox(boite="recus", page=last),
        ),
        (
            "index proposés, `inbox` filtre « refusée »",
            user_inbox(boite="recus", statut="refusee"),
        ),
        ("index proposés, `inbox` « À traiter »", user_inbox(boite="a_traiter")),
        ("index proposés + jointure différée, page 20", deferred(20)),
        (f"index proposés + jointure différée, dernière page ({last})", deferred(last)),
        ("index proposés + jointure différée, filtre « refusée »", deferred(1, "refusee")),
    ]
    for label, fn in cases:
        result = measure(fn, runs, warmup=3)
        print(row(database, f"Expérience — {label}", size, result, baseline), flush=True)
    if with_explain and connection.vendor == "postgresql":
        explain("index proposés, dernière page, jointure différée", deferred(last))
        explain("index proposés, filtre « refusée »", user_inbox(boite="recus", statut="refusee"))


if __name__ == "__main__":
    main()
