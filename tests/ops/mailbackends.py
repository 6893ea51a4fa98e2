"""E-mail backends the worker processes of these tests load by dotted path."""

from __future__ import annotations

import time

from django.core.mail.backends.base import BaseEmailBackend


class HangingBackend(BaseEmailBackend):
    """A mail server that accepts the connection and never answers: the worker stays alive,
    holding its claim, until it is killed."""

    def send_messages(self, email_messages):
        time.sleep(3600)
        return 0
