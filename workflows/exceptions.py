"""The lifecycle's errors: core.errors, under the names the workflows app uses."""

from core.errors import (  # noqa: F401
    ConditionFailed,
    Conflict,
    DomainError,
    InvalidData,
    NotAllowed,
    NotFound,
    ReasonRequired,
    UnknownAction,
    WorkflowError,
    WrongState,
)
