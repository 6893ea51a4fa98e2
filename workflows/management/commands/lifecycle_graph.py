from django.core.management.base import BaseCommand

from workflows.lifecycle.graph import mermaid


class Command(BaseCommand):
    help = "In sơ đồ vòng đời mô hình (Mermaid) từ chính các chuyển trạng thái của máy trạng thái."

    def handle(self, *args, **options):
        self.stdout.write(mermaid(), ending="")
