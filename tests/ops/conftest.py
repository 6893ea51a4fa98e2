# The real Redis and the transactional world of the worker tests (tests/notifications).
from tests.notifications.test_worker import broker, redis_server, world_tx  # noqa: F401
