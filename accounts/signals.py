"""The accounts app's signals."""

from django.dispatch import Signal

# Sent after a person's new password (or an unusable one) is saved; args: user.
password_changed = Signal()
