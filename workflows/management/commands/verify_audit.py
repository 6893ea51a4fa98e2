from django.core.management.base import BaseCommand, CommandError

from workflows.audit import GLOBAL, chain_name, describe, verify_and_record


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký (từng chuỗi: chuỗi chung và chuỗi của mỗi Ban) và đối "
        "chiếu với điểm mốc đã ký ngoài cơ sở dữ liệu; báo mắt xích đầu tiên bị sửa, bị xóa "
        "hoặc bị tính lại, rồi ghi điểm mốc mới."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--committee", type=int, help="chỉ kiểm tra chuỗi của Ban này (mã đơn vị)"
        )
        which.add_argument(
            "--chain", help=f"chỉ kiểm tra chuỗi này: {GLOBAL} hoặc mã đơn vị của Ban"
        )

    def handle(self, *args, **options):
        chain = options.get("chain")
        if options.get("committee") is not None:
            chain = chain_name(options["committee"])
        # Recorded, so the auditor's page shows this run's outcome and time; when the chains
        # are whole a new signed checkpoint goes to AUDIT_CHECKPOINT_DIR.
        result = verify_and_record(chain=chain)
        if not result.ok:
            raise CommandError(describe(result))
        self.stdout.write(describe(result))
