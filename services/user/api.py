"""The user service's HTTP API (for its clients): create, update and read users."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from accord.runtime.http import runtime_of
from services.user import db
from services.user.contracts import UserCreated, UserProducer, UserStatus, UserUpdated

router = APIRouter(tags=["users"])

Name = Annotated[str, Field(min_length=1, max_length=200)]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class NewUser(BaseModel):
    email: Email
    full_name: Name
    country: Country | None = None
    user_id: uuid.UUID | None = Field(
        default=None, description="Client-chosen id (idempotent creation); generated when absent."
    )


class UserChange(BaseModel):
    email: Email | None = None
    full_name: Name | None = None
    country: Country | None = None
    status: UserStatus | None = None


def _now() -> datetime:
    return datetime.now(UTC)


@router.post("/users", status_code=201, summary="Create a user (publishes UserCreated)")
def create_user(body: NewUser, request: Request) -> dict[str, object]:
    rt = runtime_of(request)
    user_id = str(body.user_id or uuid.uuid4())
    email = str(body.email).lower()
    now = _now()
    with rt.transaction() as tx:
        existing = db.get(tx, user_id)
        if existing is not None:
            if existing.email == email and existing.full_name == body.full_name:
                return existing.to_dict()  # a retried request: same answer, no new event
            raise HTTPException(409, f"user {user_id} already exists with other details")
        if db.email_taken(tx, email):
            raise HTTPException(409, f"email {email} belongs to another user")
        user = db.User(
            user_id=user_id,
            version=1,
            email=email,
            full_name=body.full_name,
            status=UserStatus.ACTIVE.value,
            country=body.country,
            created_at=now.isoformat(),
            updated_at=now.isoformat(),
        )
        db.insert(tx, user)
        UserProducer(rt.outbox(tx)).publish_user_created(
            UserCreated(
                occurred_at=now,
                user_id=uuid.UUID(user_id),
                version=1,
                email=email,
                full_name=body.full_name,
                status=UserStatus.ACTIVE,
                country=body.country,
            )
        )
    return user.to_dict()


@router.patch("/users/{user_id}", summary="Change a user (publishes UserUpdated)")
def update_user(user_id: uuid.UUID, body: UserChange, request: Request) -> dict[str, object]:
    rt = runtime_of(request)
    now = _now()
    with rt.transaction() as tx:
        user = db.get(tx, str(user_id))
        if user is None:
            raise HTTPException(404, f"no user {user_id}")
        wanted = {
            "email": str(body.email).lower() if body.email is not None else None,
            "full_name": body.full_name,
            "country": body.country,
            "status": body.status.value if body.status is not None else None,
        }
        changed = sorted(k for k, v in wanted.items() if v is not None and v != getattr(user, k))
        if not changed:
            return user.to_dict()
        if "email" in changed and db.email_taken(tx, str(wanted["email"]), other_than=user.user_id):
            raise HTTPException(409, f"email {wanted['email']} belongs to another user")
        new = db.User(
            user_id=user.user_id,
            version=user.version + 1,
            email=str(wanted["email"] or user.email),
            full_name=str(wanted["full_name"] or user.full_name),
            status=str(wanted["status"] or user.status),
            country=wanted["country"] if "country" in changed else user.country,
            created_at=user.created_at,
            updated_at=now.isoformat(),
        )
        db.update(tx, new)
        UserProducer(rt.outbox(tx)).publish_user_updated(
            UserUpdated(
                occurred_at=now,
                user_id=user_id,
                version=new.version,
                email=new.email,
                full_name=new.full_name,
                status=UserStatus(new.status),
                country=new.country,
                changed_fields=tuple(changed),
            )
        )
    return new.to_dict()


@router.get("/users/{user_id}", summary="Read a user")
def get_user(user_id: uuid.UUID, request: Request) -> dict[str, object]:
    with runtime_of(request).db.read() as tx:
        user = db.get(tx, str(user_id))
    if user is None:
        raise HTTPException(404, f"no user {user_id}")
    return user.to_dict()


@router.get("/users", summary="List users")
def list_users(request: Request) -> list[dict[str, object]]:
    with runtime_of(request).db.read() as tx:
        return [u.to_dict() for u in db.all_users(tx)]
