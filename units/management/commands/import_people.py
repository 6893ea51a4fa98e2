from django.utils.translation import gettext as _

from units.services import ImportResult, import_people

from ._import import ImportCommand


class Command(ImportCommand):
    help = _("Nhập cán bộ và vai trò từ tệp .xlsx/.csv; tệp có dòng lỗi thì không nhập gì.")
    importer = staticmethod(import_people)

    def summary(self, result: ImportResult) -> str:
        return result.people_message()
