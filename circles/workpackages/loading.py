"""Loading a package or a case the reader may see: one place for the 404 rule of both (the rule itself is
``circles.core.loading.load_or_404``; what differs per kind is on its ``Kind``)."""

from circles.core.loading import load_or_404
from circles.groups.models import Visibility
from circles.workpackages.cases.services import CASE
from circles.workpackages.models import Case, Status, WorkPackage
from circles.workpackages.services import PACKAGE
from circles.workpackages.workflow import Kind

#: Every publishable kind, by its model.
KINDS = {kind.model: kind for kind in (PACKAGE, CASE)}


def kind_of(item) -> Kind:
    return KINDS[type(item)]


def for_members(item) -> bool:
    """Published for the platform: an anonymous reader is sent to log in rather than told it is not there."""
    return item.visibility == Visibility.PLATFORM and item.status in (Status.PUBLISHED, Status.ARCHIVED)


def load(kind: Kind, object_id: int):
    """The item, or 404 when it does not exist or the reader may not know it exists."""
    return load_or_404(kind.model, object_id, options=kind.load_options, action=kind.permission("view"),
                       members_only=for_members)


def package_or_404(package_id: int) -> WorkPackage:
    """With its circle, organisation, sectors and instruments in the same query (each page shows them)."""
    return load(PACKAGE, package_id)


def case_or_404(case_id: int) -> Case:
    return load(CASE, case_id)
