import pytest

from config.celery import app as celery_app
from tests.workflows.conftest import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def eager_celery():
    """Run tasks in-process whatever the environment says (CI exports REDIS_URL)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield celery_app
    celery_app.conf.task_always_eager = before
