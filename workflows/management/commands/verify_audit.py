from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workflows.audit import verify_and_record


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký; báo mắt xích đầu tiên bị sửa hoặc bị xóa."

    def handle(self, *args, **options):
        # Recorded, so the auditor's page shows this run's outcome and time.
        result = verify_and_record()
        if result.ok:
            self.stdout.write(
                _("Nhật ký toàn vẹn: đã kiểm tra %(n)s bản ghi, đến bản ghi số %(seq)s.")
                % {"n": result.checked, "seq": result.verified_up_to}
            )
            return
        problems = {
            "missing": _("thiếu bản ghi (đã bị xóa)"),
            "link": _("mắt xích không khớp với bản ghi trước"),
            "content": _("nội dung đã bị sửa"),
            "downgrade": _(
                "bản ghi được băm không có khóa sau các bản ghi đã có khóa: chuỗi đã bị "
                "tính lại bởi người không giữ khóa"
            ),
            "unknown_key": _(
                "bản ghi được băm bằng khóa %(key)s không có trong cấu hình "
                "(AUDIT_HMAC_KEY, AUDIT_HMAC_OLD_KEYS)"
            )
            % {"key": result.detail},
        }
        raise CommandError(
            _(
                "Nhật ký bị phá vỡ tại bản ghi số %(seq)s: %(problem)s. "
                "Toàn vẹn đến bản ghi số %(good)s."
            )
            % {
                "seq": result.broken_at,
                "problem": problems[result.problem],
                "good": result.verified_up_to,
            }
        )
