from django.http import HttpRequest

from .selectors import unread_count


def bell(request: HttpRequest) -> dict:
    """The unread count for the bell in the navigation (one COUNT on the partial index)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user)}
