from django.contrib import admin

from aiguillage.coordination.models import (
    Accord,
    GroupeTravail,
    Invitation,
    LienAgenda,
    Rencontre,
    RessourceCollective,
)


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


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    autocomplete_fields = ["structure"]


@admin.register(GroupeTravail)
class GroupeTravailAdmin(admin.ModelAdmin):
    list_display = ["nom", "theme", "region", "animatrice", "clos_le"]
    list_filter = ["region"]
    search_fields = ["nom", "theme"]
    autocomplete_fields = ["animatrice", "membres"]
    readonly_fields = ["public_id", "cree_le", "cree_par"]


@admin.register(Rencontre)
class RencontreAdmin(admin.ModelAdmin):
    """Read-mostly: sessions change through the pages (services: audit, iCalendar sequence)."""

    list_display = ["intitule", "type", "debut", "organisatrice", "region", "statut"]
    list_filter = ["type", "statut", "region"]
    search_fields = ["intitule", "theme"]
    date_hierarchy = "debut"
    inlines = [InvitationInline]
    readonly_fields = [
        "public_id",
        "statut",
        "annulee_le",
        "presences_le",
        "presences_par",
        "cree_le",
        "cree_par",
        "modifiee_le",
        "sequence",
    ]
    autocomplete_fields = ["organisatrice", "groupe"]


@admin.register(LienAgenda)
class LienAgendaAdmin(admin.ModelAdmin):
    """Read-only: links are made and revoked on the calendar page (services: audit, show-once);
    the token is not here, only its hash."""

    list_display = ["structure", "cree_le", "utilise_le"]
    readonly_fields = ["structure", "cree_le", "cree_par", "utilise_le"]
    exclude = ["empreinte"]
    search_fields = ["structure__nom"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
