from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from units.demo import DEMO_PASSWORD, run_demo_builders


class Command(BaseCommand):
    help = _(
        "Tạo dữ liệu mẫu: tỉnh demo, cán bộ và vai trò (chạy lại nhiều lần không thay đổi gì)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # A deployment may list its own builders; otherwise units.demo.DEMO_BUILDERS, which
        # other apps extend.
        builders = getattr(settings, "DEMO_BUILDERS", None)
        for line in run_demo_builders(list(builders) if builders else None):
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                _("Xong. Mật khẩu của các tài khoản demo mới tạo: %(password)s")
                % {"password": DEMO_PASSWORD}
            )
        )
