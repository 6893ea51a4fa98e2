"""manage.py import_history FILE --user USERNAME [--dry-run]: models of past years from a file,
as the page /cac-nam-truoc/nhap/ does (workflows.history), for files too large for a browser."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.imports import ImportRejected, read_table
from workflows.history import import_history, may_import


class Command(BaseCommand):
    help = _("Nhập mô hình các năm trước từ tệp .xlsx/.csv; tệp có dòng lỗi thì không nhập gì.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("Tệp .xlsx hoặc .csv (dòng 1 là tiêu đề cột)."))
        parser.add_argument(
            "--user", required=True, help=_("Người nhập (lãnh đạo Ban Dân vận), ghi vào nhật ký.")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Kiểm tra trước: cho biết tệp sẽ tạo, thay đổi và từ chối gì; không ghi gì."),
        )

    def handle(self, *args: Any, path: str, user: str, dry_run: bool = False, **o: Any) -> None:
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None or not may_import(actor):
            raise CommandError(
                _("“%(user)s” không phải lãnh đạo Ban Dân vận nào đang hoạt động.") % {"user": user}
            )
        try:
            with open(path, "rb") as handle:
                content = handle.read()
            result = import_history(
                read_table(path),
                actor=actor,
                filename=path.rsplit("/", 1)[-1],
                content=content,
                dry_run=dry_run,
            )
        except FileNotFoundError as exc:
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path}) from exc
        except ImportRejected as rejected:
            self._refuse(rejected.errors, rejected.hints)
        for change in result.changes if dry_run else ():
            self.stdout.write(str(change))
        if result.errors:
            self.stdout.write(result.message())
            self._refuse(result.errors, result.hints)
        self.stdout.write(self.style.SUCCESS(result.message()))

    def _refuse(self, errors: list, hints: list[str]) -> None:
        for error in errors:
            self.stderr.write(str(error))
        for hint in hints:
            self.stderr.write(hint)
        raise CommandError(
            _("Không nhập gì: tệp có %(count)d lỗi; hãy sửa rồi nhập lại cả tệp.")
            % {"count": len(errors)}
        )
