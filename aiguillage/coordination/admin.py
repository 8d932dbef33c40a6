from django.contrib import admin

from aiguillage.coordination.models import Accord, RessourceCollective


@admin.register(Accord)
class AccordAdmin(admin.ModelAdmin):
    list_display = ["intitule", "type", "porteur", "date_debut", "date_fin", "theme"]
    list_filter = ["type"]
    search_fields = ["intitule", "theme"]
    autocomplete_fields = ["structures", "porteur"]


@admin.register(RessourceCollective)
class RessourceCollectiveAdmin(admin.ModelAdmin):
    list_display = ["departement", "ressource", "active", "depuis"]
    list_filter = ["ressource", "active"]
