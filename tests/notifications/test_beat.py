from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app as celery_app
from notifications.beat import Scheduler


def test_beat_installs_missing_defaults_and_keeps_what_an_administrator_changed(transactional_db):
    every_5_min = IntervalSchedule.objects.create(every=300, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="notifications-sweep", task="notifications.sweep", interval=every_5_min
    )
    Scheduler(app=celery_app)
    assert PeriodicTask.objects.get(name="notifications-sweep").interval.every == 300
    installed = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {
        "notifications-sweep",
        "notifications-digest",
        "notifications-registration-deadline",
        "notifications-overdue-tasks",
    } <= installed
    assert PeriodicTask.objects.get(name="notifications-digest").crontab.hour == "7"
