"""Shared body of the import_units and import_people commands."""

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from units.services import ImportRejected, ImportResult, read_table


class ImportCommand(BaseCommand):
    importer: Callable[[list[dict[str, Any]]], ImportResult]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("Tệp .xlsx hoặc .csv (dòng 1 là tiêu đề cột)."))

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            result = type(self).importer(read_table(path))
        except FileNotFoundError as exc:
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path}) from exc
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Không nhập gì: tệp có %(count)d lỗi; hãy sửa rồi nhập lại cả tệp.")
                % {"count": len(rejected.errors)}
            ) from None
        self.stdout.write(self.style.SUCCESS(self.summary(result)))

    def summary(self, result: ImportResult) -> str:
        raise NotImplementedError
