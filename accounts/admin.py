from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from units.invitations import not_activated_q, send_invitations

from .models import ApiToken, User


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
    list_display = (
        "username",
        "full_name",
        "email",
        "activation",
        "is_active",
        "is_staff",
        "live_tokens",
    )
    list_filter = (ActivationFilter, *BaseUserAdmin.list_filter)
    search_fields = ("username", "full_name", "email")
    readonly_fields = ("invited_at",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Thông tin cán bộ"), {"fields": ("full_name", "position", "language", "invited_at")}),
    )
    actions = ["revoke_tokens", "send_invitations"]

    def get_queryset(self, request):
        live = Q(api_tokens__expires__gt=timezone.now())
        return super().get_queryset(request).annotate(live_tokens=Count("api_tokens", filter=live))

    @admin.display(description=_("mã API còn hạn"), ordering="live_tokens")
    def live_tokens(self, user: User) -> int:
        return user.live_tokens

    @admin.action(description=_("Thu hồi mọi mã truy cập API của người đã chọn"))
    def revoke_tokens(self, request, queryset):
        people = list(queryset.values_list("pk", flat=True))
        count = ApiToken.objects.filter(user__in=people).delete()[0]
        _told(self, request, count)

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


def _told(modeladmin, request, count: int) -> None:
    modeladmin.message_user(
        request,
        ngettext("Đã thu hồi %(n)d mã truy cập.", "Đã thu hồi %(n)d mã truy cập.", count)
        % {"n": count},
        messages.SUCCESS,
    )


class LiveFilter(admin.SimpleListFilter):
    title = _("tình trạng")
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("1", _("còn hạn")), ("0", _("hết hạn"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "1":
            return queryset.filter(expires__gt=now)
        if self.value() == "0":
            return queryset.filter(expires__lte=now)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every API token (their keys are never shown: only a hash is stored); an administrator
    revokes the ones selected. Tokens are issued by signing in, not here."""

    list_display = ("__str__", "user", "created", "expires", "last_used", "is_live")
    list_filter = (LiveFilter,)
    search_fields = ("user__username", "user__full_name", "prefix")
    list_select_related = ("user",)
    readonly_fields = ("user", "prefix", "created", "expires", "last_used")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("còn hạn"), boolean=True)
    def is_live(self, token: ApiToken) -> bool:
        return token.is_live

    @admin.action(description=_("Thu hồi các mã đã chọn"), permissions=["delete"])
    def revoke(self, request, queryset):
        count = queryset.delete()[0]
        _told(self, request, count)
