"""双随机、一公开: the three lists (check_items, inspectors with inspector_import, entity
directories) and the result categories (result_categories), plans and their approval, the
verifiable draw, inspection tasks (tasks) and results (results), their publication
(publication) and consequences (consequences, plan_progress, and the scheduled follow-ups:
follow_ups).
"""

from services.spotchecks.follow_ups import open_due_follow_ups
from services.spotchecks.publication import PublishedResult, published_results_of_plan
from services.spotchecks.result_categories import (
    categories_in_force,
    categories_of,
    category_of,
    version_in_force,
)

__all__ = [
    "PublishedResult",
    "categories_in_force",
    "categories_of",
    "category_of",
    "open_due_follow_ups",
    "published_results_of_plan",
    "version_in_force",
]
