import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The demo creates a dozen accounts per test; the real hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
