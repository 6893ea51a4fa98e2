from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from units.invitations import not_activated_q, send_invitations

from .models import User


class ActivationFilter(admin.SimpleListFilter):
    """People who set a password ("đã kích hoạt"), and those who never did, imported and
    invited or not ("chưa kích hoạt"). (Django's own "Kích hoạt" is is_active: not locked.)"""

    title = _("trạng thái tài khoản")
    parameter_name = "kich_hoat"

    def lookups(self, request, model_admin):
        return [
            ("co", _("Đã kích hoạt (đã đặt mật khẩu)")),
            ("chua", _("Chưa kích hoạt (chưa đặt mật khẩu)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "chua":
            return queryset.filter(not_activated_q())
        if self.value() == "co":
            return queryset.exclude(not_activated_q())
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "activation", "is_active", "is_staff")
    list_filter = (ActivationFilter, *BaseUserAdmin.list_filter)
    search_fields = ("username", "full_name", "email")
    readonly_fields = ("invited_at",)
    actions = ["send_invitations"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Thông tin cán bộ"), {"fields": ("full_name", "position", "language", "invited_at")}),
    )

    @admin.display(description=_("tài khoản"))
    def activation(self, user: User) -> str:
        if user.is_activated:
            return _("đã kích hoạt")
        if user.invited_at:
            return _("chưa kích hoạt (đã mời)")
        return _("chưa kích hoạt")

    @admin.action(description=_("Gửi thư mời đặt mật khẩu (người chưa kích hoạt)"))
    def send_invitations(self, request, queryset):
        report = send_invitations(queryset.order_by("username"), invited_by=request.user)
        self.message_user(
            request, report.message(), messages.SUCCESS if report.ok else messages.ERROR
        )
