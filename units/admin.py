from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .invitations import send_invitations
from .models import Membership, Unit
from .services import (
    ImportRejected,
    accepted_kinds,
    accepted_roles,
    import_people,
    import_units,
    read_table,
)
from .workbooks import people_workbook, units_workbook


class UnderUnitFilter(admin.SimpleListFilter):
    """ "Thuộc đơn vị": the upper two levels of the tree; choosing one keeps its whole subtree."""

    title = gettext_lazy("Thuộc đơn vị")
    parameter_name = "thuoc_don_vi"
    path_field = "path"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        units = Unit.objects.filter(depth__lte=2).order_by("path").only("pk", "name", "depth")
        # An em dash per level below the root shows the nesting in the sidebar.
        return [(str(u.pk), "— " * (u.depth - 1) + u.name) for u in units]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        unit = Unit.objects.filter(pk=self.value()).only("path").first()
        if unit is None:
            return queryset.none()
        return queryset.filter(**{f"{self.path_field}__startswith": unit.path})


class MembershipUnderUnitFilter(UnderUnitFilter):
    path_field = "unit__path"


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class PeopleFileForm(ImportFileForm):
    invite = forms.BooleanField(
        label=gettext_lazy("Gửi thư mời đặt mật khẩu cho người trong tệp chưa kích hoạt"),
        required=False,
        help_text=gettext_lazy(
            "Người có email, chưa từng đặt mật khẩu, nhận một liên kết dùng một lần để đặt "
            "mật khẩu. Có thể gửi lại sau trong Người dùng hoặc trang “Cán bộ”."
        ),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit)
    change_list_template = "admin/units/unit/change_list.html"
    list_display = ("code", "name", "kind", "is_committee", "is_active")
    search_fields = ("code", "name")
    list_filter = ("kind", "is_committee", "is_active", UnderUnitFilter)

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="units_unit_import",
            ),
            path(
                "import/mau-<slug:kind>.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="units_unit_import_template",
            ),
        ]
        return urls + super().get_urls()

    def _import_permissions(self, request: HttpRequest) -> tuple[bool, bool]:
        can_import_units = self.has_add_permission(request) and self.has_change_permission(request)
        can_import_people = request.user.has_perms(
            ["units.add_membership", "accounts.add_user", "accounts.change_user"]
        )
        return can_import_units, can_import_people

    def template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        """The blank file to fill in: "mau-don-vi.xlsx" or "mau-can-bo.xlsx"."""
        can_import_units, can_import_people = self._import_permissions(request)
        builders = {"don-vi": (units_workbook, can_import_units)}
        builders["can-bo"] = (people_workbook, can_import_people)
        if kind not in builders:
            raise Http404
        build, allowed = builders[kind]
        if not allowed:
            raise PermissionDenied
        response = HttpResponse(build(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="mau-{kind}.xlsx"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a units file or a people file; a file with any bad row changes nothing.
        "Kiểm tra trước" (dry_run) shows what the file would do and writes nothing."""
        can_import_units, can_import_people = self._import_permissions(request)
        if not (can_import_units or can_import_people):
            raise PermissionDenied
        kind = request.POST.get("kind") if request.method == "POST" else None
        forms_by_kind = {
            "units": ImportFileForm(prefix="units"),
            "people": PeopleFileForm(prefix="people"),
        }
        errors: list = []
        hints: list = []
        preview = None
        if kind in forms_by_kind:
            if (kind == "units" and not can_import_units) or (
                kind == "people" and not can_import_people
            ):
                raise PermissionDenied
            form_class = ImportFileForm if kind == "units" else PeopleFileForm
            form = form_class(request.POST, request.FILES, prefix=kind)
            forms_by_kind[kind] = form
            dry_run = "dry_run" in request.POST
            if form.is_valid():
                upload = form.cleaned_data["file"]
                importer = import_units if kind == "units" else import_people
                try:
                    result = importer(read_table(upload, upload.name), dry_run=dry_run)
                except ImportRejected as rejected:
                    errors, hints = rejected.errors, rejected.hints
                    messages.error(
                        request,
                        _(
                            "Không nhập gì: tệp “%(name)s” có %(count)d lỗi. Hãy sửa các dòng "
                            "dưới đây rồi nhập lại cả tệp."
                        )
                        % {"name": upload.name, "count": len(errors)},
                    )
                else:
                    message = result.units_message() if kind == "units" else result.people_message()
                    if dry_run:
                        preview = result
                        errors, hints = result.errors, result.hints
                    else:
                        messages.success(request, message)
                        if kind == "people" and form.cleaned_data.get("invite"):
                            self._invite(request, result.usernames)
                        return HttpResponseRedirect(reverse("admin:units_unit_import"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Nhập đơn vị và cán bộ từ tệp"),
            "units_form": forms_by_kind["units"],
            "people_form": forms_by_kind["people"],
            "can_import_units": can_import_units,
            "can_import_people": can_import_people,
            "errors": errors,
            "hints": hints,
            "error_kind": kind if errors else None,
            "preview": preview,
            "preview_kind": kind if preview else None,
            "accepted_kinds": accepted_kinds(),
            "accepted_roles": accepted_roles(),
        }
        return TemplateResponse(request, "admin/units/unit/import.html", context)

    def _invite(self, request: HttpRequest, usernames: list[str]) -> None:
        people = get_user_model().objects.filter(username__in=usernames).order_by("username")
        report = send_invitations(people, invited_by=request.user)
        messages.add_message(
            request, messages.SUCCESS if report.ok else messages.ERROR, report.message()
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "user_account", "unit", "role", "is_active")
    list_filter = ("role", "is_active", MembershipUnderUnitFilter)
    search_fields = ("user__username", "user__full_name", "unit__code", "unit__name")
    autocomplete_fields = ("user", "unit")
    list_select_related = ("user", "unit")

    @admin.display(description=gettext_lazy("tài khoản"))
    def user_account(self, membership: Membership) -> str:
        return _("đã kích hoạt") if membership.user.is_activated else _("chưa kích hoạt")
