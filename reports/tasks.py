"""Celery jobs for heavy exports. Without a broker they run eagerly, in-process."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from .models import ExportJob

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_export(job_id: int) -> None:
    """Build the job's spreadsheet, reporting progress on the job's row as it goes."""
    from . import jobs  # the builders import openpyxl and the selectors

    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.is_finished:
        return  # delivered twice: already done
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=1)

    def progress(percent: int) -> None:
        # Leave 100 for when the file is saved.
        ExportJob.objects.filter(pk=job.pk).update(progress=max(1, min(percent, 99)))

    try:
        with translation.override(job.params.get("language") or None):
            name, content = jobs.build(job, progress=progress)
        job.file.save(name, ContentFile(content), save=False)  # under a random name
        job.filename = name
        job.status = ExportJob.Status.DONE
        job.progress = 100
    except Exception as exc:  # the page must show that it failed, whatever failed
        log.exception("export job %s failed", job.pk)
        job.status = ExportJob.Status.FAILED
        job.error = str(exc)[:2000]
    job.finished = timezone.now()
    job.save(update_fields=["file", "filename", "status", "progress", "error", "finished"])


@shared_task(name="reports.expire_exports")
def expire_exports(*, now=None) -> int:
    """Remove export files older than EXPORT_FILES_KEEP_HOURS; their jobs stay, marked
    EXPIRED (the job's page says so). Beat runs it hourly; `manage.py expire_exports` too.
    Returns how many files were removed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_FILES_KEEP_HOURS)
    removed = 0
    stale = ExportJob.objects.filter(status=ExportJob.Status.DONE, finished__lt=cutoff)
    for job in stale.only("pk", "file").iterator():
        if job.file:
            try:
                job.file.storage.delete(job.file.name)
            except OSError:  # kept for the next run; the others go on
                log.exception("export job %s: could not remove %s", job.pk, job.file.name)
                continue
            removed += 1
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file=""
        )
    return removed
