"""Links of the outbox rows about plans and filings (notifications.messages.register_urls)."""

from django.urls import reverse


def plan_url(row) -> str:
    return reverse("plans:plan_detail", args=[row.subject_id])


def filing_url(row) -> str:
    return reverse("plans:filing_detail", args=[row.subject_id])
