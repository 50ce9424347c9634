"""双随机、一公开: the three lists (check_items, inspectors with inspector_import, entity
directories), the result categories (result_categories), plans and their approval (plans), the
verifiable draw (draw, by the rule of draw_rule, published by draw_record), inspection tasks
(tasks) and results (results), their publication (publication) and consequences
(consequences, plan_progress, and the scheduled follow-ups: follow_ups).

The draw rule's functions are exported here for whoever recomputes a published record
(`verify-draw`): they need only the standard library.
"""

from services.spotchecks.draw_check import Verdict, check_record, standalone_check
from services.spotchecks.draw_record import public_draw_record
from services.spotchecks.draw_rule import (
    Assigner,
    DrawRuleError,
    Pool,
    Sample,
    Selection,
    Stratum,
    candidate_list_hash,
    inspector_key,
    key_of,
    keys_of,
    next_in_stratum,
    pools_of,
    recompute,
    sample_of,
    sample_size,
    seed_commitment,
)
from services.spotchecks.draw_rule import draw as draw_targets
from services.spotchecks.follow_ups import open_due_follow_ups
from services.spotchecks.publication import PublishedResult, published_results_of_plan
from services.spotchecks.result_categories import (
    categories_in_force,
    categories_of,
    category_of,
    version_in_force,
)

__all__ = [
    "Assigner",
    "DrawRuleError",
    "Pool",
    "PublishedResult",
    "Sample",
    "Selection",
    "Stratum",
    "Verdict",
    "candidate_list_hash",
    "categories_in_force",
    "categories_of",
    "category_of",
    "check_record",
    "draw_targets",
    "inspector_key",
    "key_of",
    "keys_of",
    "next_in_stratum",
    "open_due_follow_ups",
    "pools_of",
    "public_draw_record",
    "published_results_of_plan",
    "recompute",
    "sample_of",
    "sample_size",
    "seed_commitment",
    "standalone_check",
    "version_in_force",
]
