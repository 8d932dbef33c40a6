"""Referral dashboards: aggregates only, never a person.

- ``structure``: for the members of one structure (``structure_get_for_member``: 404 for anybody
  else): referrals received and sent over a period, delays, refusal reasons, outcomes, partners.
- ``region``: for the région's coordinators, analysts and administrators
  (``region_get_for_dashboard``: 404 for counsellors): the same by network, small counts masked.

The period travels in the query string (``?du=2025-01-01&au=2025-12-31``): a plain GET form,
no JavaScript needed.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone

from aiguillage.accounts.access import region_get_for_dashboard, structure_get_for_member
from aiguillage.core.forms import StyledFormMixin
from aiguillage.referrals import stats

RACCOURCIS = (3, 6, 12, 24)
DUREE_MAX_JOURS = 366 * 5


class PeriodeForm(StyledFormMixin, forms.Form):
    du = forms.DateField(
        label="Du",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Date de début : saisissez une date valide (jj/mm/aaaa)."},
    )
    au = forms.DateField(
        label="Au",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Date de fin : saisissez une date valide (jj/mm/aaaa)."},
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        au = data.get("au") or timezone.localdate()
        du = data.get("du") or stats.Periode.derniers_mois(12, aujourdhui=au).debut
        if du > au:
            self.add_error("du", "Date de début : elle doit précéder la date de fin.")
        elif (au - du).days > DUREE_MAX_JOURS:
            self.add_error("du", "Date de début : la période ne peut pas dépasser cinq ans.")
        else:
            data["periode"] = stats.Periode(debut=du, fin=au)
        return data

    def periode(self) -> stats.Periode:
        """The chosen period; the last 12 months when nothing (or something invalid) is given."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["periode"]
        return stats.Periode.derniers_mois(12)


def _periode_context(request) -> dict:
    form = PeriodeForm(request.GET or None)
    periode = form.periode()
    aujourdhui = timezone.localdate()
    raccourcis = []
    for mois in RACCOURCIS:
        p = stats.Periode.derniers_mois(mois, aujourdhui=aujourdhui)
        raccourcis.append((f"{mois} derniers mois", p, p == periode))
    if not request.GET:
        form = PeriodeForm(initial={"du": periode.debut, "au": periode.fin})
    return {"form": form, "periode": periode, "raccourcis": raccourcis}


def structure(request, structure_id: int):
    structure = structure_get_for_member(user=request.user, structure_id=structure_id)
    context = _periode_context(request)
    context["structure"] = structure
    context["stats"] = stats.structure_statistiques(structure=structure, periode=context["periode"])
    return render(request, "referrals/tableau_structure.html", context)


def region(request, region_code: str):
    region = region_get_for_dashboard(user=request.user, region_code=region_code)
    context = _periode_context(request)
    context["region"] = region
    context["seuil"] = stats.SEUIL_SECRET
    context["stats"] = stats.region_statistiques(
        region_code=region.code, periode=context["periode"]
    )
    return render(request, "referrals/tableau_region.html", context)
