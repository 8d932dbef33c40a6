"""Traces kept once (``Trace``) instead of in every diagnostic: the existing diagnostics' traces
move to the new table, identified by the SHA-256 of their JSON with sorted keys, as
``services.trace_empreinte`` computes it."""

import hashlib

import django.db.models.deletion
import orjson
from django.db import migrations, models


def empreinte(trace) -> str:
    return hashlib.sha256(orjson.dumps(trace, option=orjson.OPT_SORT_KEYS)).hexdigest()


def traces_deplacer(apps, schema_editor):
    Diagnostic = apps.get_model("orientation", "Diagnostic")
    Trace = apps.get_model("orientation", "Trace")
    connues: set[str] = set()
    lot = []
    for pk, trace in Diagnostic.objects.order_by().values_list("pk", "trace").iterator(2000):
        cle = empreinte(trace)
        if cle not in connues:
            Trace.objects.bulk_create([Trace(empreinte=cle, contenu=trace)], ignore_conflicts=True)
            connues.add(cle)
        lot.append(Diagnostic(pk=pk, trace_partagee_id=cle))
        if len(lot) == 2000:
            Diagnostic.objects.bulk_update(lot, ["trace_partagee"])
            lot = []
    Diagnostic.objects.bulk_update(lot, ["trace_partagee"])


def traces_recopier(apps, schema_editor):
    Diagnostic = apps.get_model("orientation", "Diagnostic")
    for diagnostic in Diagnostic.objects.select_related("trace_partagee").iterator(2000):
        diagnostic.trace = diagnostic.trace_partagee.contenu
        diagnostic.save(update_fields=["trace"])


class Migration(migrations.Migration):
    dependencies = [
        ("orientation", "0003_identifiant_public_uuid7"),
    ]

    operations = [
        migrations.CreateModel(
            name="Trace",
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
                ("contenu", models.JSONField(verbose_name="trace")),
                ("cree_le", models.DateTimeField(auto_now_add=True, verbose_name="créée le")),
            ],
            options={
                "verbose_name": "trace des règles",
                "verbose_name_plural": "traces des règles",
            },
        ),
        migrations.AddField(
            model_name="diagnostic",
            name="trace_partagee",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orientation.trace",
            ),
        ),
        migrations.RunPython(traces_deplacer, traces_recopier, elidable=True),
        migrations.RemoveField(model_name="diagnostic", name="trace"),
        migrations.RenameField(
            model_name="diagnostic", old_name="trace_partagee", new_name="trace"
        ),
        migrations.AlterField(
            model_name="diagnostic",
            name="trace",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orientation.trace",
            ),
        ),
    ]
