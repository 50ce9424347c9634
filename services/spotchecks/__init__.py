"""双随机、一公开: the three lists (check_items, inspectors with inspector_import, entity
directories) and the result categories (result_categories), plans and their approval, the
verifiable draw, inspection tasks and results, their publication and consequences.
"""

from services.spotchecks.result_categories import (
    categories_in_force,
    categories_of,
    category_of,
    version_in_force,
)

__all__ = ["categories_in_force", "categories_of", "category_of", "version_in_force"]
