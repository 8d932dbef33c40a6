"""Aggregates of referrals for the structure and région dashboards: counts and medians, never a
person.

Concept map:

- ``Periode``: the window on the date of sending (``Adressage.cree_le``), both ends included, in
  local time (Europe/Paris); the default is the last 12 months.
- ``structure_statistiques``: one structure's referrals received and sent in the period: by
  status, refusal reason and outcome, median delays, acceptance rate, top partner structures.
  Members see their structure's referrals one by one anyway: nothing is masked here.
- ``region_statistiques``: the referrals in which a structure of the région sends or receives,
  by network: a matrix sender network × receiver network, statuses, delays, refusal reasons and
  outcomes per receiving network. Read by coordinators and analysts, who never see a person:
  **every count from 1 to 4 is masked** (« < 5 ») and, when a single masked count could be
  recomputed from a total, a second count of the same row or column is masked too (« n.d. »,
  complementary suppression: at least two hidden figures per row and column). A median or a
  rate computed on fewer than 5 referrals is not shown either.
- Medians: ``percentile_cont(0.5)`` in PostgreSQL; in other databases (SQLite, small
  deployments) ``statistics.median`` over the values of the period, read with one
  ``values_list`` (bounded by the structure or région and the period). Both give the mean of
  the two middle values for an even count.

Definitions (shown on the pages too):

- *délai jusqu'à l'acceptation*: ``acceptee_le - cree_le``; *délai jusqu'au premier contact*:
  ``premier_contact_le - cree_le``; over the referrals that reached that step;
- *taux d'acceptation*: referrals accepted (``acceptee_le`` set, whatever happened next) over
  referrals that got a decision (accepted, refused, redirected or expired); cancelled referrals
  and those still awaiting an answer are left out.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.utils import timezone

from aiguillage.directory.models import Reseau, Structure
from aiguillage.referrals.models import Adressage, MotifRefus, Resultat, Statut

__all__ = [
    "SEUIL_SECRET",
    "Periode",
    "region_statistiques",
    "structure_statistiques",
]

SEUIL_SECRET = 5
TOP_PARTENAIRES = 10
PORTAIL = "Portail public (demande de la personne)"
DECIDES = (Statut.REFUSEE, Statut.REDIRIGEE, Statut.EXPIREE)
ETAPES = {
    "acceptation": ("acceptee_le", "Délai médian entre l'envoi et l'acceptation"),
    "premier_contact": ("premier_contact_le", "Délai médian entre l'envoi et le premier contact"),
}


# --- Period -----------------------------------------------------------------------------------


def mois_avant(jour: date, mois: int) -> date:
    """The same day ``mois`` months earlier (the month's last day when it has fewer days)."""
    index = jour.year * 12 + jour.month - 1 - mois
    year, month = divmod(index, 12)
    month += 1
    for day in (jour.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Periode:
    debut: date
    fin: date

    @classmethod
    def derniers_mois(cls, mois: int = 12, *, aujourdhui: date | None = None) -> Periode:
        fin = aujourdhui or timezone.localdate()
        return cls(debut=mois_avant(fin, mois) + timedelta(days=1), fin=fin)

    def q(self) -> Q:
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.debut, time.min), tz)
        end = timezone.make_aware(datetime.combine(self.fin + timedelta(days=1), time.min), tz)
        return Q(cree_le__gte=start, cree_le__lt=end)


# --- Small values with their French text -------------------------------------------------------


def nombre_texte(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def duree_texte(secondes: float) -> str:
    """``5 min``, ``3 h 20``, ``2,5 jours``."""
    if secondes < 3600:
        return f"{round(secondes / 60)} min"
    if secondes < 86400:
        heures, reste = divmod(round(secondes / 60), 60)
        return f"{heures} h {reste:02d}"
    jours = secondes / 86400
    return f"{jours:.1f}".replace(".", ",") + " jours"


@dataclass(frozen=True)
class Mediane:
    secondes: float | None
    n: int
    masquee: bool = False

    @property
    def texte(self) -> str:
        if self.masquee:
            return f"non diffusé (moins de {SEUIL_SECRET} adressages)"
        if self.secondes is None:
            return "aucun adressage"
        return duree_texte(self.secondes)


@dataclass(frozen=True)
class Taux:
    acceptes: int
    decides: int
    masque: bool = False

    @property
    def pourcentage(self) -> float | None:
        return 100 * self.acceptes / self.decides if self.decides else None

    @property
    def texte(self) -> str:
        if self.masque:
            return f"non diffusé (moins de {SEUIL_SECRET} réponses)"
        if not self.decides:
            return "aucune réponse"
        return f"{self.pourcentage:.0f}".replace(".", ",") + " %"


# --- Medians ----------------------------------------------------------------------------------


class _MedianeSecondes(Aggregate):
    """PostgreSQL: the median of an interval, in seconds (NULLs are ignored)."""

    name = "MedianeSecondes"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()


def _duree(stamp: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(stamp) - F("cree_le"), output_field=DurationField())


def medianes(
    qs: QuerySet, *, groupe: str | None = None, filtres: dict[str, Q] | None = None
) -> dict:
    """``{(group, filter_name, etape): Mediane}`` for the steps of ``ETAPES``.

    ``groupe``: a field to group by (``None``: one group, keyed ``None``); ``filtres``: named
    subsets (``{"recus": Q(destinataire=s)}``; default one subset named ``None``)."""
    filtres = filtres or {None: Q()}
    qs = qs.order_by()
    result: dict = {}
    if connection.vendor == "postgresql":
        aggregates = {}
        for nom_filtre, condition in filtres.items():
            for etape, (stamp, _label) in ETAPES.items():
                key = f"m_{nom_filtre}_{etape}"
                aggregates[key] = _MedianeSecondes(_duree(stamp), filter=condition or None)
                aggregates[f"n_{nom_filtre}_{etape}"] = Count(
                    "pk", filter=condition & Q(**{f"{stamp}__isnull": False})
                )
        rows = qs.values(groupe).annotate(**aggregates) if groupe else [qs.aggregate(**aggregates)]
        for row in rows:
            key_groupe = row[groupe] if groupe else None
            for nom_filtre in filtres:
                for etape in ETAPES:
                    result[(key_groupe, nom_filtre, etape)] = Mediane(
                        row[f"m_{nom_filtre}_{etape}"], row[f"n_{nom_filtre}_{etape}"]
                    )
        return result
    # Elsewhere: the durations of the period, then the median in Python.
    values: dict = defaultdict(list)
    if groupe is None:  # the single group exists even without any referral
        for nom_filtre in filtres:
            for etape in ETAPES:
                values[(None, nom_filtre, etape)] = []
    for nom_filtre, condition in filtres.items():
        annotated = qs.filter(condition).annotate(
            **{f"d_{etape}": _duree(stamp) for etape, (stamp, _l) in ETAPES.items()}
        )
        columns = [groupe] if groupe else []
        columns += [f"d_{etape}" for etape in ETAPES]
        for row in annotated.values_list(*columns):
            key_groupe = row[0] if groupe else None
            for etape, duree in zip(ETAPES, row[1:] if groupe else row, strict=True):
                durees = values[(key_groupe, nom_filtre, etape)]  # the group exists, even empty
                if duree is not None:
                    durees.append(duree.total_seconds())
    for key, durees in values.items():
        result[key] = Mediane(statistics.median(durees) if durees else None, len(durees))
    return result


# --- Structure dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class LigneDeuxSens:
    """A row of the structure's tables: received by the structure, sent by it."""

    valeur: str
    label: str
    recus: int
    envoyes: int


@dataclass(frozen=True)
class Partenaire:
    structure_id: int | None
    nom: str
    reseau: str
    nombre: int


@dataclass
class StatistiquesStructure:
    periode: Periode
    statuts: list[LigneDeuxSens]
    total_recus: int
    total_envoyes: int
    expirees: LigneDeuxSens
    motifs_refus: list[LigneDeuxSens]
    resultats: list[LigneDeuxSens]
    delais: list[tuple[str, Mediane, Mediane]]
    taux_recus: Taux
    taux_envoyes: Taux
    destinataires: list[Partenaire]
    emettrices: list[Partenaire]


def structure_statistiques(*, structure: Structure, periode: Periode) -> StatistiquesStructure:
    """One structure's referrals received and sent during ``periode``: four queries (counts by
    status, reason and outcome in one pass; medians; partners; the partners' names)."""
    recus, envoyes = Q(destinataire=structure), Q(emettrice=structure)
    qs = Adressage.objects.filter(periode.q()).filter(recus | envoyes)
    accepte = Q(acceptee_le__isnull=False)
    decide = accepte | Q(statut__in=DECIDES)
    rows = list(
        qs.order_by()
        .values_list("statut", "motif_refus", "resultat")
        .annotate(
            recus=Count("pk", filter=recus),
            envoyes=Count("pk", filter=envoyes),
            acc_r=Count("pk", filter=recus & accepte),
            dec_r=Count("pk", filter=recus & decide),
            acc_e=Count("pk", filter=envoyes & accepte),
            dec_e=Count("pk", filter=envoyes & decide),
        )
    )
    par = defaultdict(lambda: [0, 0])
    for statut, motif, resultat, r, e, *_taux in rows:
        for key in (("statut", statut), ("motif", motif), ("resultat", resultat)):
            par[key][0] += r
            par[key][1] += e

    def lignes(kind: str, choices) -> list[LigneDeuxSens]:
        return [LigneDeuxSens(v, label, *par.get((kind, v), (0, 0))) for v, label in choices]

    statuts = lignes("statut", Statut.choices)
    taux = [sum(row[i] for row in rows) for i in range(5, 9)]
    m = medianes(qs, filtres={"recus": recus, "envoyes": envoyes})
    delais = [
        (label, m[(None, "recus", etape)], m[(None, "envoyes", etape)])
        for etape, (_stamp, label) in ETAPES.items()
    ]
    destinataires, emettrices = _partenaires(qs, structure)
    return StatistiquesStructure(
        periode=periode,
        statuts=statuts,
        total_recus=sum(s.recus for s in statuts),
        total_envoyes=sum(s.envoyes for s in statuts),
        expirees=next(s for s in statuts if s.valeur == Statut.EXPIREE),
        motifs_refus=lignes("motif", MotifRefus.choices),
        resultats=lignes("resultat", Resultat.choices),
        delais=delais,
        taux_recus=Taux(taux[0], taux[1]),
        taux_envoyes=Taux(taux[2], taux[3]),
        destinataires=destinataires,
        emettrices=emettrices,
    )


def _partenaires(qs, structure: Structure) -> tuple[list[Partenaire], list[Partenaire]]:
    """The structures ``structure`` sends to most, and those it receives from most."""
    vers, depuis = defaultdict(int), defaultdict(int)
    for emettrice, destinataire, n in (
        qs.order_by().values_list("emettrice_id", "destinataire_id").annotate(n=Count("pk"))
    ):
        if emettrice == structure.pk:
            vers[destinataire] += n
        if destinataire == structure.pk:
            depuis[emettrice] += n
    top = {
        cote: sorted(counts.items(), key=lambda kv: -kv[1])[: TOP_PARTENAIRES * 2]
        for cote, counts in (("vers", vers), ("depuis", depuis))
    }
    ids = {pk for rows in top.values() for pk, _n in rows if pk is not None}
    noms = {s.pk: s for s in Structure.objects.filter(pk__in=ids).only("nom", "reseau")}
    labels = dict(Reseau.choices)

    def partenaires(rows) -> list[Partenaire]:
        result = [
            Partenaire(
                pk,
                noms[pk].nom if pk in noms else PORTAIL,
                labels.get(noms[pk].reseau, "") if pk in noms else "",
                n,
            )
            for pk, n in rows
        ]
        return sorted(result, key=lambda p: (-p.nombre, p.nom))[:TOP_PARTENAIRES]

    return partenaires(top["vers"]), partenaires(top["depuis"])


# --- Statistical secrecy ----------------------------------------------------------------------


@dataclass(eq=False)
class Cellule:
    valeur: int
    masquee: bool = False  # 1 to 4: primary secret, shown « < 5 »
    complementaire: bool = False  # hidden so that a masked count cannot be recomputed

    @property
    def cachee(self) -> bool:
        return self.masquee or self.complementaire

    @property
    def texte(self) -> str:
        if self.masquee:
            return f"< {SEUIL_SECRET}"
        if self.complementaire:
            return "n.d."
        return nombre_texte(self.valeur)


class Secret:
    """Counts linked by sums (``parts`` add up to ``total``), masked together.

    Primary secret: every count from 1 to ``seuil - 1``. Complementary secret, until stable: in
    each sum whose total is shown, a reader knows what the hidden parts add up to, that a part
    shown « < 5 » is between 1 and 4 and that a part shown « n.d. » is at least 5; while that
    pins a « < 5 » part to a single value (or a single part is hidden, or only the total is), the
    smallest visible non-zero part (else the total) is hidden too. Tables that share a total
    (a network's referrals in the matrix and in the statuses) share the very same cell, so the
    protection holds across the page's tables. A heuristic, not a full linear-programming audit.
    """

    def __init__(self, seuil: int = SEUIL_SECRET):
        self.seuil = seuil
        self.cellules: dict = {}
        self.sommes: list[tuple[list[Cellule], Cellule]] = []

    def cellule(self, key, valeur: int = 0) -> Cellule:
        if key not in self.cellules:
            self.cellules[key] = Cellule(valeur)
        return self.cellules[key]

    def somme(self, parts: list[Cellule], total: Cellule) -> None:
        self.sommes.append((parts, total))

    def appliquer(self) -> None:
        for c in self.cellules.values():
            c.masquee = 0 < c.valeur < self.seuil
        changed = True
        while changed:
            changed = False
            for parts, total in self.sommes:
                if not self._revele(parts, total):
                    continue
                visibles = [c for c in parts if not c.cachee and c.valeur > 0]
                if visibles:
                    min(visibles, key=lambda c: c.valeur).complementaire = True
                elif not total.cachee:
                    total.complementaire = True
                else:
                    continue
                changed = True

    def _revele(self, parts: list[Cellule], total: Cellule) -> bool:
        hidden = [c for c in parts if c.cachee]
        if total.cachee:
            return not hidden and total.valeur > 0  # the total is the sum of what is shown
        if len(hidden) == 1:
            return True
        reste = total.valeur - sum(c.valeur for c in parts if not c.cachee)
        for x in hidden:
            if not x.masquee:
                continue
            autres = [c for c in hidden if c is not x]
            bas = sum(1 if c.masquee else self.seuil for c in autres)
            haut = (
                (self.seuil - 1) * len(autres) if all(c.masquee for c in autres) else float("inf")
            )
            if min(self.seuil - 1, reste - bas) <= max(1, reste - haut):
                return True
        return False


@dataclass
class Tableau:
    """A table of counts with its totals (cells possibly shared with other tables)."""

    lignes: list[str]
    colonnes: list[str]
    cellules: list[list[Cellule]]
    totaux_lignes: list[Cellule]
    totaux_colonnes: list[Cellule]
    total: Cellule

    def cellule(self, ligne: str, colonne: str) -> Cellule:
        return self.cellules[self.lignes.index(ligne)][self.colonnes.index(colonne)]

    @property
    def rangees(self) -> list[tuple[str, list[Cellule], Cellule]]:
        return list(zip(self.lignes, self.cellules, self.totaux_lignes, strict=True))


def _tableau(
    secret: Secret,
    nom: str,
    lignes: list,
    colonnes: list,
    valeurs: dict,
    *,
    totaux_lignes: dict | None = None,
    totaux_colonnes: dict | None = None,
    total=None,
) -> Tableau:
    """Register a table's cells and sums in ``secret``; ``totaux_*``: shared cells' keys."""
    cellules = [
        [secret.cellule((nom, li, co), valeurs.get((li, co), 0)) for co in colonnes]
        for li in lignes
    ]
    tl = [
        secret.cellule((totaux_lignes or {}).get(li, (nom, li, None)), sum(c.valeur for c in row))
        for li, row in zip(lignes, cellules, strict=True)
    ]
    tc = [
        secret.cellule(
            (totaux_colonnes or {}).get(co, (nom, None, co)),
            sum(row[j].valeur for row in cellules),
        )
        for j, co in enumerate(colonnes)
    ]
    grand = secret.cellule(total or (nom, None, None), sum(c.valeur for c in tl))
    for row, t in zip(cellules, tl, strict=True):
        secret.somme(row, t)
    for j, t in enumerate(tc):
        secret.somme([row[j] for row in cellules], t)
    secret.somme(tl, grand)
    secret.somme(tc, grand)
    return Tableau(lignes, colonnes, cellules, tl, tc, grand)


def tableau_secret(
    lignes: list[str],
    colonnes: list[str],
    valeurs: dict[tuple[str, str], int],
    *,
    seuil: int = SEUIL_SECRET,
) -> Tableau:
    """One table of counts with its totals, masked on its own."""
    secret = Secret(seuil)
    tableau = _tableau(secret, "t", lignes, colonnes, valeurs)
    secret.appliquer()
    return tableau


# --- Région dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneReseau:
    reseau: str
    recus: Cellule
    taux: Taux
    acceptation: Mediane
    premier_contact: Mediane


@dataclass
class StatistiquesRegion:
    periode: Periode
    total: Cellule
    expirees: Cellule
    taux: Taux
    matrice: Tableau
    statuts: Tableau
    motifs_refus: Tableau
    resultats: Tableau
    reseaux: list[LigneReseau]


def _ordre_reseaux(values: Iterable[str | None]) -> list[str | None]:
    order = {value: i for i, value in enumerate(Reseau.values)}
    return sorted(set(values), key=lambda v: (v is None, order.get(v, len(order))))


def _label_reseau(value: str | None) -> str:
    if value is None:
        return PORTAIL
    return dict(Reseau.choices).get(value, value)


def region_referrals(*, region_code: str, periode: Periode) -> QuerySet:
    """The referrals of the period in which a structure of the région sends or receives."""
    ids = Structure.objects.filter(region_id=region_code).values("pk")
    return Adressage.objects.filter(periode.q()).filter(
        Q(destinataire_id__in=ids) | Q(emettrice_id__in=ids)
    )


def region_statistiques(*, region_code: str, periode: Periode) -> StatistiquesRegion:
    """A région's referrals by network, masked for statistical secrecy (two queries)."""
    qs = region_referrals(region_code=region_code, periode=periode)
    dest = "destinataire__reseau"
    accepte = Q(acceptee_le__isnull=False)
    decide = accepte | Q(statut__in=DECIDES)
    # One pass for the counts (statuses, reasons, outcomes, rates, matrix), one for the medians.
    par_statut, par_motif, par_resultat = defaultdict(int), defaultdict(int), defaultdict(int)
    matrice: dict = defaultdict(int)
    taux_rows: dict = defaultdict(lambda: {"acc": 0, "dec": 0})
    for emettrice, reseau, statut, motif, resultat, n, acc, dec in (
        qs.order_by()
        .values_list("emettrice__reseau", dest, "statut", "motif_refus", "resultat")
        .annotate(n=Count("pk"), acc=Count("pk", filter=accepte), dec=Count("pk", filter=decide))
    ):
        matrice[(emettrice, reseau)] += n
        par_statut[(reseau, statut)] += n
        if statut == Statut.REFUSEE:
            par_motif[(reseau, motif)] += n
        if statut == Statut.TERMINEE:
            par_resultat[(reseau, resultat)] += n
        taux_rows[reseau]["acc"] += acc
        taux_rows[reseau]["dec"] += dec
    reseaux = _ordre_reseaux(n for n, _s in par_statut)
    emettrices = _ordre_reseaux(e for e, _n in matrice)
    # One secret for the whole page: shared totals are the same cells.
    secret = Secret()
    recus = {n: ("recus", n) for n in reseaux}
    statuts_t = {s: ("statut", s) for s in Statut.values}
    statuts = _tableau(
        secret,
        "statuts",
        reseaux,
        Statut.values,
        par_statut,
        totaux_lignes=recus,
        totaux_colonnes=statuts_t,
        total=("total",),
    )
    matrice_t = _tableau(
        secret, "matrice", emettrices, reseaux, matrice, totaux_colonnes=recus, total=("total",)
    )
    motifs = _tableau(
        secret,
        "motifs",
        reseaux,
        MotifRefus.values,
        par_motif,
        totaux_lignes={n: ("statuts", n, Statut.REFUSEE.value) for n in reseaux},
        total=("statut", Statut.REFUSEE.value),
    )
    resultats = _tableau(
        secret,
        "resultats",
        reseaux,
        Resultat.values,
        par_resultat,
        totaux_lignes={n: ("statuts", n, Statut.TERMINEE.value) for n in reseaux},
        total=("statut", Statut.TERMINEE.value),
    )
    secret.appliquer()
    for tableau, choices in ((statuts, Statut), (motifs, MotifRefus), (resultats, Resultat)):
        tableau.colonnes = [choices(c).label for c in tableau.colonnes]
        tableau.lignes = [_label_reseau(v) for v in tableau.lignes]
    matrice_t.lignes = [_label_reseau(v) for v in matrice_t.lignes]
    matrice_t.colonnes = [_label_reseau(v) for v in matrice_t.colonnes]
    motifs = _sans_lignes_vides(motifs)
    resultats = _sans_lignes_vides(resultats)

    m = medianes(qs, groupe=dest)
    lignes = [
        LigneReseau(
            reseau=_label_reseau(n),
            recus=secret.cellules[("recus", n)],
            taux=_taux_secret(taux_rows[n]["acc"], taux_rows[n]["dec"]),
            acceptation=_mediane_secret(m.get((n, None, "acceptation"))),
            premier_contact=_mediane_secret(m.get((n, None, "premier_contact"))),
        )
        for n in reseaux
    ]
    return StatistiquesRegion(
        periode=periode,
        total=secret.cellules[("total",)],
        expirees=secret.cellules[("statut", Statut.EXPIREE.value)],
        taux=_taux_secret(
            sum(r["acc"] for r in taux_rows.values()), sum(r["dec"] for r in taux_rows.values())
        ),
        matrice=matrice_t,
        statuts=statuts,
        motifs_refus=motifs,
        resultats=resultats,
        reseaux=lignes,
    )


def _sans_lignes_vides(tableau: Tableau) -> Tableau:
    """Only the networks with at least one count (all-zero rows say nothing)."""
    keep = [i for i, t in enumerate(tableau.totaux_lignes) if t.valeur > 0]
    tableau.lignes = [tableau.lignes[i] for i in keep]
    tableau.cellules = [tableau.cellules[i] for i in keep]
    tableau.totaux_lignes = [tableau.totaux_lignes[i] for i in keep]
    return tableau


def _taux_secret(acceptes: int, decides: int) -> Taux:
    return Taux(acceptes, decides, masque=0 < decides < SEUIL_SECRET)


def _mediane_secret(mediane: Mediane | None) -> Mediane:
    if mediane is None:
        return Mediane(None, 0)
    if 0 < mediane.n < SEUIL_SECRET:
        return Mediane(None, mediane.n, masquee=True)
    return mediane
