"""Writes, each taking the person acting and checking them itself (ARCHITECTURE.md).

`perform` is the one door every lifecycle action goes through (workflows.engine.door with the
registration lifecycle, workflows.lifecycle.kind). The others, by concern: registration,
tasks (claim, release, reassign), campaigns, cases and delegation.
"""

from core.request import NO_META, RequestMeta

from ..access import delegators_of
from ..models import EDITABLE_FIELDS, RESULT_FIELDS
from ..recording import validate_upload
from .campaigns import CAMPAIGN_FIELDS, create_campaign, update_campaign
from .cases import delegate, set_open_case
from .door import perform
from .registration import create_initiative
from .tasks import claim_task, reassign_task, release_task

__all__ = [
    "CAMPAIGN_FIELDS",
    "EDITABLE_FIELDS",
    "NO_META",
    "RESULT_FIELDS",
    "RequestMeta",
    "claim_task",
    "create_campaign",
    "create_initiative",
    "delegate",
    "delegators_of",
    "perform",
    "reassign_task",
    "release_task",
    "set_open_case",
    "update_campaign",
    "validate_upload",
]
