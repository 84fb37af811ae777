"""The workflow every publishable kind of content shares: writing with revisions (history, one version
with its differences, restore), publishing (to the circle at once, or reviewed for the platform and the
public; sent back; archived; reopened) and attachments.

A ``Kind`` carries everything that differs between kinds: the model, the address and endpoint names, how
to read and compare the content, how to restore a version, and the words. A new kind of content (a
toolbox business case, a conversation's document) is a new ``Kind`` registered with
``workflow.views.register``, not a copy of these views, services and templates.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from circles.core.rules import RuleBroken


class PublishError(RuleBroken):
    """A refused action, with a message for the person and the HTTP status to answer with."""


@dataclass(frozen=True)
class Kind:
    #: The revision object type, the audit prefix and the permission prefix: "package" or "case".
    name: str
    model: type
    #: The URL variable naming the item ("package_id") and the address all its pages start with.
    id_arg: str
    url_base: str
    #: Put before the action in endpoint names: "" (``workpackages.history``) or "case_" (``case_history``).
    endpoint_prefix: str
    #: item -> its content dict (what a revision stores); content dict -> line-oriented text (what diffs compare).
    content: Callable[[object], dict]
    markdown: Callable[[dict], str]
    #: (item, user, revision) -> None: the old version back as a new one (may raise PublishError).
    restore: Callable
    #: item -> None: its entry in the search index brought in step with its content.
    index: Callable
    #: The lazy messages, flashes and template words that name the kind (see workpackages/wording.py).
    words: dict
    #: Templates: the edit form page, and the folder of the reviewer's and the author's e-mails.
    form_template: str
    email_folder: str
    #: Loader options for every page of one item.
    load_options: tuple = ()

    @property
    def review_template(self) -> str:
        return f"{self.email_folder}/review"

    @property
    def sent_back_template(self) -> str:
        return f"{self.email_folder}/sent_back"

    def permission(self, action: str) -> str:
        """``package.edit``, ``case.review``..."""
        return f"{self.name}.{action}"

    def endpoint(self, action: str) -> str:
        return f"workpackages.{self.endpoint_prefix}{action}"

    def url(self, action: str, item, **values) -> str:
        """The address of one of the item's pages: ``kind.url('history', item)``."""
        return url_for(self.endpoint(action), **{self.id_arg: item.id}, **values)

    def show_url(self, item, **values) -> str:
        return self.url("show", item, slug=item.slug, **values)
