"""Reads for the bell, the list page and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created", "-pk")


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
