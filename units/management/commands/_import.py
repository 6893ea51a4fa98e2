"""Shared body of the import_units and import_people commands."""

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from units.services import ImportRejected, ImportResult, read_table


class ImportCommand(BaseCommand):
    importer: Callable[..., ImportResult]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("Tệp .xlsx hoặc .csv (dòng 1 là tiêu đề cột)."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Kiểm tra trước: cho biết tệp sẽ tạo, thay đổi và từ chối gì; không ghi gì."),
        )

    def handle(self, *args: Any, path: str, dry_run: bool = False, **options: Any) -> None:
        try:
            result = type(self).importer(read_table(path), dry_run=dry_run)
        except FileNotFoundError as exc:
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path}) from exc
        except ImportRejected as rejected:
            self.refuse(rejected.errors, rejected.hints)
        if dry_run:
            for change in result.changes:
                self.stdout.write(f"{self.action_label(change.action)}: {change}")
            self.stdout.write(self.summary(result))
            if result.errors:
                self.refuse(result.errors, result.hints)
            return
        self.stdout.write(self.style.SUCCESS(self.summary(result)))
        self.after_import(result, **options)

    def refuse(self, errors: list, hints: list[str]) -> None:
        for error in errors:
            self.stderr.write(str(error))
        for hint in hints:
            self.stderr.write(hint)
        raise CommandError(
            _("Không nhập gì: tệp có %(count)d lỗi; hãy sửa rồi nhập lại cả tệp.")
            % {"count": len(errors)}
        )

    @staticmethod
    def action_label(action: str) -> str:
        return {
            "create": _("tạo mới"),
            "update": _("cập nhật"),
            "unchanged": _("không đổi"),
            "role": _("giao vai trò"),
            "role_back": _("khôi phục vai trò"),
        }[action]

    def after_import(self, result: ImportResult, **options: Any) -> None:
        pass

    def summary(self, result: ImportResult) -> str:
        raise NotImplementedError
