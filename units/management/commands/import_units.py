from django.utils.translation import gettext as _

from units.services import ImportResult, import_units

from ._import import ImportCommand


class Command(ImportCommand):
    help = _("Nhập cây đơn vị từ tệp .xlsx/.csv; tệp có dòng lỗi thì không nhập gì.")
    importer = staticmethod(import_units)

    def summary(self, result: ImportResult) -> str:
        return result.units_message()
