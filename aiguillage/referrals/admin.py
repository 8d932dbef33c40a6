"""Django admin for referrals: only what holds no personal data.

Platform administrators are superusers, yet they must not read people's referrals (they get 404 on
the pages, like anybody outside the two structures). So people, consents, referrals, messages,
attachments, notifications and co-accompaniments are deliberately **not** registered here: the
pages and ``referrals.access`` are the only way to them. What is registered helps to run the
platform: the reminder ladder's record and the API's idempotency keys, read-only.
"""

from django.contrib import admin

from aiguillage.referrals.models import CleIdempotence, Rappel


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rappel)
class RappelAdmin(ReadOnlyAdmin):
    """Which reminder level was sent when (the referral is shown by its number only)."""

    list_display = ("envoye_le", "niveau", "adressage_id")
    list_filter = ("niveau", ("envoye_le", admin.DateFieldListFilter))
    date_hierarchy = "envoye_le"
    fields = ("adressage_id", "niveau", "envoye_le")
    readonly_fields = fields


@admin.register(CleIdempotence)
class CleIdempotenceAdmin(ReadOnlyAdmin):
    """An API client's retried POSTs (the key, the request's fingerprint, the referrals' ids)."""

    list_display = ("cree_le", "utilisateur", "cle")
    search_fields = ("cle",)
    date_hierarchy = "cree_le"
    fields = ("utilisateur", "cle", "empreinte", "adressages", "cree_le")
    readonly_fields = fields
