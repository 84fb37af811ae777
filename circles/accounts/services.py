"""Account rules: registration, authentication, password reset, roles, export and deletion.

Plain functions with explicit arguments; they never commit (the view commits once).
"""

import functools
import secrets
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import aliased, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from circles.accounts.models import Organisation, Role, User
from circles.core import audit
from circles.core.db import db, utcnow
from circles.core.models import AuditEntry, OutgoingMail
from circles.core.text import slugify
from circles.reference.models import Municipality


@functools.lru_cache(maxsize=4)
def _dummy_hash_for(method: str) -> str:
    """Checked against when the address is unknown, so a failed log-in takes as long either way."""
    return generate_password_hash(secrets.token_hex(16), method=method)


class AccountError(ValueError):
    """A rule was broken; the message is shown to the user next to the field it names."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def find_organisation_by_name(name: str) -> Organisation | None:
    return db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == name.strip().lower())
    )


def organisations_query(q: str = "") -> sa.Select:
    """Organisations by name, those whose name contains ``q`` when given (the organisations page)."""
    query = sa.select(Organisation).order_by(Organisation.name)
    if q:
        query = query.where(Organisation.name.ilike(f"%{q}%"))
    return query


def organisation_names() -> list[str]:
    """Every organisation's name, by name (the registration form suggests them)."""
    return list(db.session.scalars(sa.select(Organisation.name).order_by(Organisation.name)))


def municipalities_by_name() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name)))


def organisations_in_sector(code: str) -> list[Organisation]:
    """A sector's organisations by name, with their municipality and region (a sector page)."""
    return list(db.session.scalars(
        sa.select(Organisation).where(Organisation.sector_code == code)
        .options(joinedload(Organisation.municipality).joinedload(Municipality.region)).order_by(Organisation.name)))


def users_query(q: str = "") -> sa.Select:
    """Accounts by name, those whose name or address contains ``q`` when given (the administrators' list)."""
    query = sa.select(User).order_by(User.name, User.id)
    if q:
        query = query.where(sa.or_(User.name.ilike(f"%{q}%"), User.email.ilike(f"%{q}%")))
    return query


def audit_log_query(*where) -> sa.Select:
    """Audit entries matching ``where``, newest first, as rows of (entry, actor's name, subject's name): the
    names are looked up, not stored, so a deleted account's name is gone from the log as well."""
    actor, subject = aliased(User), aliased(User)
    return (sa.select(AuditEntry, actor.name, subject.name)
            .outerjoin(actor, actor.id == AuditEntry.actor_id).outerjoin(subject, subject.id == AuditEntry.subject_id)
            .where(*where).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))


def create_organisation(name: str, sector_code: str, municipality_id: int | None, website: str = "") -> Organisation:
    """A new organisation with a unique slug."""
    base = slugify(name, "organisatie", 200)
    slug, n = base, 1
    while db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    org = Organisation(name=name.strip(), slug=slug, sector_code=sector_code,
                       municipality_id=municipality_id, website=website.strip())
    db.session.add(org)
    db.session.flush()
    return org


def register_user(*, name: str, email: str, password: str, function: str, organisation: Organisation,
                  locale: str = "nl") -> User:
    """A new member account. The address must not be in use yet."""
    if get_user_by_email(email) is not None:
        raise AccountError(
            "email", _l("Er is al een account met dit e-mailadres. Log in of vraag een nieuw wachtwoord aan.")
        )
    user = User(name=name.strip(), email=normalise_email(email), function=function.strip(),
                organisation=organisation, role=Role.MEMBER, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_profile(user: User, *, name: str, email: str, function: str, locale: str, show_email: bool,
                   muted_notifications: list[str]) -> None:
    """One's own profile; an address is one account's only."""
    other = get_user_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError("email", _l("Er is al een account met dit e-mailadres."))
    user.name, user.email, user.function = name, normalise_email(email), function
    user.locale, user.show_email, user.muted_notifications = locale, show_email, muted_notifications


def update_organisation(org: Organisation, *, name: str, sector_code: str, municipality_id: int,
                        website: str) -> None:
    """An organisation's details; a name is one organisation's only."""
    same_name = find_organisation_by_name(name)
    if same_name is not None and same_name.id != org.id:
        raise AccountError("name", _l("Er is al een organisatie met deze naam."))
    org.name, org.sector_code, org.municipality_id, org.website = name, sector_code, municipality_id, website


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Same work whether or not the address exists."""
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash_for(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user: User) -> str:
    """A signed token bound to the current password hash: it stops working once used."""
    return _reset_serializer().dumps({"u": user.id, "h": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User | None:
    """The user a valid, unexpired, unused reset token belongs to."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or user.password_hash[-16:] != data.get("h"):
        return None
    return user


def set_new_password(user: User, password: str) -> None:
    """Change the password and end every other session of this account."""
    user.set_password(password)
    user.end_other_sessions()


def set_role(actor: User, user: User, role: Role) -> bool:
    """An administrator changes a platform role. The last administrator cannot step down."""
    if user.role == role:
        return False
    if user.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
        admins = db.session.scalar(sa.select(sa.func.count()).where(User.role == Role.ADMINISTRATOR))
        if admins <= 1:
            raise AccountError("role", _l("Dit is de laatste beheerder. Maak eerst iemand anders beheerder."))
    audit.record("user.role_changed", actor=actor, subject=user, obj_type="user", obj_id=user.id,
                 old=user.role, new=str(role))
    user.role = role
    return True


# --- AVG/GDPR: export and deletion ---------------------------------------------------------------
#
# Every column that refers to a user declares in its ``info`` what happens to it when the account is
# deleted: "contribution" (something the person wrote: kept anonymously or deleted, as they choose),
# "anonymise" (the reference is cleared, the record stays: audit entries) or "delete" (the record is
# about the person and goes: memberships, RSVPs). A test fails for a column that declares nothing, so
# a new feature cannot forget the person's data.

def personal_columns() -> list[tuple[sa.Table, sa.Column]]:
    """Every (table, column) that refers to users.id."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def email_columns() -> list[tuple[sa.Table, sa.Column]]:
    """Columns holding an e-mail address of a person who may not have an account (invitations)."""
    return [(t, c) for t in db.metadata.sorted_tables for c in t.columns if c.info.get("personal_email")]


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_personal_data(user: User) -> dict:
    """Everything the platform stores about this person, as one JSON-ready document."""
    users = db.metadata.tables["users"]
    row = db.session.execute(sa.select(users).where(users.c.id == user.id)).mappings().one()
    account = {k: _jsonable(v) for k, v in row.items() if k not in ("password_hash", "session_token")}
    account["password"] = "(alleen als onomkeerbare hash opgeslagen / stored only as a one-way hash)"
    org = user.organisation
    data: dict = {
        "exported_at": utcnow().isoformat(),
        "account": account,
        "organisation": None if org is None else {
            "id": org.id, "name": org.name, "sector": org.sector_code,
            "municipality": org.municipality.name if org.municipality else None, "website": org.website,
        },
        "records": {},
    }
    for table, column in personal_columns():
        rows = db.session.execute(sa.select(table).where(column == user.id)).mappings().all()
        if rows:
            key = f"{table.name}.{column.name}"
            data["records"][key] = [{k: _jsonable(v) for k, v in r.items()} for r in rows]
    for table, column in email_columns():
        rows = db.session.execute(sa.select(table).where(column == user.email)).mappings().all()
        if rows:
            data["records"][f"{table.name}.{column.name}"] = [{k: _jsonable(v) for k, v in r.items()
                                                               if k != "token_hash"} for r in rows]
    mails = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.to_address == user.email)).all()
    data["emails_sent_to_you"] = [
        {"created_at": m.created_at.isoformat(), "subject": m.subject, "status": m.status, "body": m.body_text}
        for m in mails
    ]
    return data


def delete_account(user: User, *, keep_contributions: bool) -> None:
    """Remove the account and the person's data; what they wrote stays anonymously or goes, as chosen."""
    audit.record("user.deleted", obj_type="user", obj_id=user.id, kept_contributions=keep_contributions)
    for table, column in personal_columns():
        if table.name == "users":
            continue
        policy = column.info.get("personal")
        if policy == "anonymise" or (policy == "contribution" and keep_contributions):
            db.session.execute(sa.update(table).where(column == user.id).values({column.name: None}))
        elif policy in ("delete", "contribution"):
            db.session.execute(sa.delete(table).where(column == user.id))
        else:
            raise RuntimeError(f"{table.name}.{column.name} does not say what happens on account deletion")
    for table, column in email_columns():
        db.session.execute(sa.delete(table).where(column == user.email))
    db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.to_address == user.email))
    db.session.delete(user)
