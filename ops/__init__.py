"""Running the service: health and readiness, Prometheus metrics, JSON logs, backups.

Reads the other apps (the outbox, tasks, the audit checks); no app reads it."""
