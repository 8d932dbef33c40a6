from django.contrib import admin

from aiguillage.directory.models import (
    Desserte,
    RechercheSauvegardee,
    Service,
    ServicePublic,
    ServiceThematique,
    Site,
    Structure,
)


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ("nom", "reseau", "region", "departement", "est_demo")
    list_filter = ("reseau", "region", "est_demo")
    search_fields = ("nom", "siret", "id_source")
    autocomplete_fields = ("parent",)
    raw_id_fields = ("commune",)


class DesserteInline(admin.TabularInline):
    model = Desserte
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("nom", "structure", "commune", "capacite", "confirme_le", "est_demo")
    list_filter = ("capacite", "structure__reseau", "est_demo")
    search_fields = ("nom", "structure__nom", "commune__nom", "id_source")
    raw_id_fields = ("structure", "commune", "confirme_par")
    inlines = [DesserteInline]


class ThematiqueInline(admin.TabularInline):
    model = ServiceThematique
    extra = 0


class PublicInline(admin.TabularInline):
    model = ServicePublic
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("nom", "site", "type", "frais", "cree_le")
    list_filter = ("type", "frais")
    search_fields = ("nom", "site__nom", "id_source")
    raw_id_fields = ("site",)
    inlines = [ThematiqueInline, PublicInline]


@admin.register(RechercheSauvegardee)
class RechercheSauvegardeeAdmin(admin.ModelAdmin):
    list_display = ("nom", "proprietaire", "frequence", "alerte_envoyee_le", "cree_le")
    list_filter = ("frequence",)
    search_fields = ("nom", "proprietaire__email")
    raw_id_fields = ("proprietaire",)
