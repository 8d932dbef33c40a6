"""Account pages: login, own account, structures and their members, régional dashboards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from aiguillage.accounts import access, selectors, services
from aiguillage.accounts.forms import EmailAuthenticationForm, MemberAddForm, StructureForm
from aiguillage.directory.selectors import freshness_limit


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def profile(request):
    """The user's own data: what the platform holds about them (not audited: it is theirs)."""
    return render(
        request,
        "accounts/profile.html",
        {
            "grants": access.grants_for(request.user),
            "roles": access.user_display_roles(request.user),
        },
    )


def structure_detail(request, structure_id: int):
    structure = access.structure_get_for_member(user=request.user, structure_id=structure_id)
    return render(
        request,
        "accounts/structure_detail.html",
        {
            "structure": structure,
            "members": selectors.structure_members(structure=structure),
            "sites": structure.sites.select_related("commune").order_by("nom"),
            "limite_fraicheur": freshness_limit(),
            "can_manage": structure.pk in access.managed_structure_ids(request.user)
            or access.is_administrateur(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def structure_edit(request, structure_id: int):
    structure = access.structure_get_for_manager(user=request.user, structure_id=structure_id)
    form = StructureForm(
        request.POST or None, initial={"nom": structure.nom, "siret": structure.siret}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_update(
                structure=structure,
                acting_user=request.user,
                data=form.cleaned_data,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "La structure a été mise à jour.")
            return redirect("accounts:structure_detail", structure_id=structure.pk)
    return render(request, "accounts/structure_form.html", {"structure": structure, "form": form})


@require_http_methods(["GET", "POST"])
def member_add(request, structure_id: int):
    structure = access.structure_get_for_manager(user=request.user, structure_id=structure_id)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.member_add(
                    structure=structure,
                    acting_user=request.user,
                    request=request,
                    **form.cleaned_data,
                )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, f"{form.cleaned_data['email']} a été ajouté(e) à la structure."
            )
            return redirect("accounts:structure_detail", structure_id=structure.pk)
    return render(request, "accounts/member_form.html", {"structure": structure, "form": form})


def member_detail(request, structure_id: int, user_id: int):
    membership = access.member_get_for_user(
        user=request.user, structure_id=structure_id, user_id=user_id, request=request
    )
    return render(request, "accounts/member_detail.html", {"membership": membership})


def region_list(request):
    scope = access.analysed_region_codes(request.user)
    if scope is not access.ALL_REGIONS and not scope:
        raise Http404("Page introuvable.")
    return render(
        request, "accounts/region_list.html", {"regions": selectors.regions_in_scope(scope)}
    )


def region_dashboard(request, code: str):
    region = access.region_get_for_dashboard(user=request.user, region_code=code)
    return render(
        request,
        "accounts/region_dashboard.html",
        {"region": region, "overview": selectors.region_overview(region=region)},
    )
