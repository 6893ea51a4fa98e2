from django.http import HttpRequest

from .selectors import memberships_of


def navigation(request: HttpRequest) -> dict:
    """The signed-in person's roles, so the layout shows the menu each role needs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset()}
    if not hasattr(request, "_my_memberships"):
        request._my_memberships = list(memberships_of(user))
    return {
        "my_memberships": request._my_memberships,
        "my_roles": frozenset(m.role for m in request._my_memberships),
    }
