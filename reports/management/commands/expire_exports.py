from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports.tasks import expire_exports


class Command(BaseCommand):
    help = "Xóa tệp xuất cũ hơn EXPORT_FILES_KEEP_HOURS giờ; đánh dấu yêu cầu xuất là hết hạn."

    def handle(self, *args, **options):
        removed = expire_exports()
        self.stdout.write(
            _("Đã xóa %(n)s tệp xuất cũ hơn %(hours)s giờ.")
            % {"n": removed, "hours": settings.EXPORT_FILES_KEEP_HOURS}
        )
