from django.contrib import admin

from aiguillage.directory.models import Structure


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ("nom", "reseau", "region", "departement", "est_demo")
    list_filter = ("reseau", "region", "est_demo")
    search_fields = ("nom", "siret")
    autocomplete_fields = ("parent",)
    raw_id_fields = ("commune",)
