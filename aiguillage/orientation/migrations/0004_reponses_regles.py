"""The rules' answers (decision without sites, and trace) kept once (``ReponseRegles``) instead
of in every diagnostic, which keeps its own sites. Existing diagnostics are split: their answer
is identified by the SHA-256 of the JSON of ``[decision, trace]`` with sorted keys, as
``services.reponse_empreinte`` computes it."""

import hashlib

import django.db.models.deletion
import orjson
from django.db import migrations, models

LOT = 2000


def empreinte(decision, trace) -> str:
    return hashlib.sha256(orjson.dumps([decision, trace], option=orjson.OPT_SORT_KEYS)).hexdigest()


def separer(decision: dict) -> tuple[dict, dict]:
    """(the decision without sites, the sites by network), as ``decision_avec_sites`` joins them."""
    sites = {}
    operateurs = []
    for entree in decision.get("operateurs", []):
        if entree.get("sites"):
            sites[entree["reseau"]] = entree["sites"]
        operateurs.append({**entree, "sites": []})
    hors_cep = []
    for entree in decision.get("hors_cep", []):
        if "sites" in entree:
            sites[entree["reseau"]] = entree["sites"]
            entree = {k: v for k, v in entree.items() if k != "sites"}
        hors_cep.append(entree)
    return {**decision, "operateurs": operateurs, "hors_cep": hors_cep}, sites


def reponses_separer(apps, schema_editor):
    Diagnostic = apps.get_model("orientation", "Diagnostic")
    ReponseRegles = apps.get_model("orientation", "ReponseRegles")
    connues: set[str] = set()
    lot = []
    lignes = Diagnostic.objects.order_by().values_list("pk", "decision", "trace")
    for pk, decision, trace in lignes.iterator(LOT):
        sans_sites, sites = separer(decision)
        cle = empreinte(sans_sites, trace)
        if cle not in connues:
            reponse = ReponseRegles(empreinte=cle, decision=sans_sites, trace=trace)
            ReponseRegles.objects.bulk_create([reponse], ignore_conflicts=True)
            connues.add(cle)
        lot.append(Diagnostic(pk=pk, reponse_id=cle, sites=sites))
        if len(lot) == LOT:
            Diagnostic.objects.bulk_update(lot, ["reponse", "sites"])
            lot = []
    Diagnostic.objects.bulk_update(lot, ["reponse", "sites"])


def reponses_recopier(apps, schema_editor):
    Diagnostic = apps.get_model("orientation", "Diagnostic")
    for diagnostic in Diagnostic.objects.select_related("reponse").iterator(LOT):
        decision, sites = diagnostic.reponse.decision, diagnostic.sites
        diagnostic.decision = {
            **decision,
            "operateurs": [
                {**o, "sites": sites.get(o["reseau"], o["sites"])} for o in decision["operateurs"]
            ],
            "hors_cep": [
                {**h, "sites": sites[h["reseau"]]} if h["reseau"] in sites else h
                for h in decision["hors_cep"]
            ],
        }
        diagnostic.trace = diagnostic.reponse.trace
        diagnostic.save(update_fields=["decision", "trace"])


class Migration(migrations.Migration):
    dependencies = [
        ("orientation", "0003_identifiant_public_uuid7"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReponseRegles",
            fields=[
                (
                    "empreinte",
                    models.CharField(
                        max_length=64,
                        primary_key=True,
                        serialize=False,
                        verbose_name="empreinte (SHA-256)",
                    ),
                ),
                ("decision", models.JSONField(verbose_name="décision (sans les sites)")),
                ("trace", models.JSONField(verbose_name="trace")),
                ("cree_le", models.DateTimeField(auto_now_add=True, verbose_name="créée le")),
            ],
            options={
                "verbose_name": "réponse des règles",
                "verbose_name_plural": "réponses des règles",
            },
        ),
        migrations.AddField(
            model_name="diagnostic",
            name="reponse",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orientation.reponseregles",
            ),
        ),
        migrations.AddField(
            model_name="diagnostic",
            name="sites",
            field=models.JSONField(blank=True, default=dict, verbose_name="sites proposés"),
        ),
        migrations.RunPython(reponses_separer, reponses_recopier, elidable=True),
        migrations.RemoveField(model_name="diagnostic", name="decision"),
        migrations.RemoveField(model_name="diagnostic", name="trace"),
        migrations.AlterField(
            model_name="diagnostic",
            name="reponse",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orientation.reponseregles",
            ),
        ),
    ]
