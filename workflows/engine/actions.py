"""One object per action: everything the pages, the API, the admin, the messages, the lifecycle
picture and the tests need to know about it (the way Wagtail's Task owns its actions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# Input kinds. The page form field and the API field of each are derived in engine.inputs.
TEXT = "text"  # one line
LONG_TEXT = "long_text"
DATE = "date"  # dd/mm/yyyy or ISO
CHOICE = "choice"
FILE = "file"
FILES = "files"
POINTS = "points"  # one number per item of a list the subject supplies (the criteria)
MODEL_FIELDS = "model_fields"  # a group of the subject model's own fields, as a dict
NUMBER = "number"  # a whole number, 0 or more (a figure: people reached, funds)


@dataclass(frozen=True)
class Input:
    """One piece of data an action takes, validated once: the page form field and the API
    serializer field (and so the OpenAPI body) are both made from it."""

    name: str
    kind: str
    label: Any
    required: bool = False
    max_length: int | None = None
    choices: tuple = ()
    help: Any = ""
    required_message: Any = ""  # what a missing required value reads (else the default)
    # MODEL_FIELDS: which of the subject model's fields; the API may name a serializer instead.
    model_fields: tuple[str, ...] = ()
    api_serializer: str = ""
    # POINTS: the items scored, from the subject: [(key, label, max_points), …].
    items: Callable[[Any], list] | None = None
    # FILES / FILE: which file purpose the door records (the action's record hook reads it).
    purpose: str = ""

    @property
    def is_file(self) -> bool:
        return self.kind in (FILE, FILES)


@dataclass(frozen=True)
class Bar:
    """A separation-of-duties rule: `applies(subject, person)` is True when `person` has done
    something to the subject that bars them from this action. The door asks it of the person
    acting and of the person on whose behalf they act: either one barred refuses the action."""

    name: str
    applies: Callable[[Any, Any], bool]
    message: Any


@dataclass
class Context:
    """What one pass through the door knows; the kind's and the action's hooks share it."""

    kind: Any
    subject: Any
    action: Action
    actor: Any
    principal: Any
    membership: Any
    comment: str
    data: dict
    changes: dict = field(default_factory=dict)
    # Whatever a kind keeps between its hooks (open tasks, new tasks, …).
    extra: dict = field(default_factory=dict)


class Action:
    """A lifecycle action. Subclass it only for `prepare`/`record`; everything else is data."""

    def __init__(
        self,
        name: str,
        label,
        *,
        roles: Iterable[str],
        method: str | None = None,
        bars: Iterable[Bar] = (),
        needs_reason: bool = False,
        inputs: Iterable[Input] = (),
        told: Iterable[str] = (),
        message=None,
        bulk: bool = False,
        shows_scores: bool = False,
        on_page: bool = True,
        applies: Callable[[Any], bool] | None = None,
        not_applicable=None,
    ) -> None:
        self.name = name
        self.label = label
        self.roles = frozenset(roles)
        self.method = method or name  # the FSM transition it runs
        self.bars = tuple(bars)
        self.needs_reason = needs_reason
        self.inputs = tuple(inputs)
        self.told = tuple(told)  # audiences, resolved by the kind; the first reason wins
        self.message = message  # the sentence that opens every message about it
        self.bulk = bulk  # offered for several tasks at once (inbox, admin)
        self.shows_scores = shows_scores  # its page shows the score sheet
        self.on_page = on_page  # has its own action page (edit has the registration form)
        # Which subjects the action is for at all, beyond the FSM's state (e.g. only
        # nominations from a lower level): elsewhere it is neither offered nor allowed.
        self.applies = applies
        # What the door says when it does not apply (a sentence, or one made from the subject).
        self.not_applicable = not_applicable

    # Whether it may act on a subject brought in as history (workflows.history): only the
    # annual review looks back at past years' models; no lifecycle step runs on them.
    on_history = False

    def __repr__(self) -> str:
        return f"<Action {self.name}>"

    @property
    def multipart(self) -> bool:
        return any(i.is_file for i in self.inputs)

    def applies_to(self, subject) -> bool:
        return self.applies is None or self.applies(subject)

    def barred(self, subject, person) -> Bar | None:
        return next((bar for bar in self.bars if bar.applies(subject, person)), None)

    # Hooks, called by the door inside its transaction.
    def prepare(self, ctx: Context) -> dict:
        """Validate the action's own data; return the FSM transition's keyword arguments."""
        return {}

    def record(self, ctx: Context) -> None:
        """Write what the action keeps besides the subject's row; add it to ctx.changes."""


class Registry(dict):
    """Actions by name, in the order they were declared."""

    def __init__(self, actions: Iterable[Action]):
        super().__init__()
        for action in actions:
            if action.name in self:
                raise ValueError(f"action {action.name!r} declared twice")
            self[action.name] = action

    def reason_actions(self) -> list[Action]:
        return [a for a in self.values() if a.needs_reason]
