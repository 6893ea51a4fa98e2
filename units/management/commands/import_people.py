from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from units.invitations import send_invitations
from units.services import ImportResult, import_people

from ._import import ImportCommand


class Command(ImportCommand):
    help = _("Nhập cán bộ và vai trò từ tệp .xlsx/.csv; tệp có dòng lỗi thì không nhập gì.")
    importer = staticmethod(import_people)

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--invite",
            action="store_true",
            help=_(
                "Sau khi nhập, gửi thư mời đặt mật khẩu cho người trong tệp chưa kích hoạt "
                "(có email)."
            ),
        )

    def summary(self, result: ImportResult) -> str:
        return result.people_message()

    def after_import(self, result: ImportResult, *, invite: bool = False, **options: Any) -> None:
        if not invite:
            return
        people = get_user_model().objects.filter(username__in=result.usernames)
        report = send_invitations(people.order_by("username"))
        style = self.style.SUCCESS if report.ok else self.style.ERROR
        self.stdout.write(style(report.message()))
