"""Writing to the audit log: one function, so every entry has the same shape."""

from circles.core.db import db
from circles.core.models import AuditEntry


def record(action: str, *, actor=None, subject=None, obj_type: str | None = None, obj_id: int | None = None,
           **details) -> AuditEntry:
    """Add an entry to the session (the caller commits with the change it records)."""
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        subject_id=getattr(subject, "id", None),
        object_type=obj_type,
        object_id=obj_id,
        details=details,
    )
    db.session.add(entry)
    return entry
