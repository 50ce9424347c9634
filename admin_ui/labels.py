"""Chinese labels for the code lists shown in the admin pages (the table is services.platform.labels)."""

from services.platform.labels import LABELS, label

__all__ = ["LABELS", "choices", "label"]


def choices(enum: type) -> list[tuple[str, str]]:
    return [(member.value, LABELS.get(member, member.value)) for member in enum]  # type: ignore[attr-defined]
