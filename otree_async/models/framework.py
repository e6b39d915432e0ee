"""The framework's own tables: sessions, participants, page times, wait-page arrivals."""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PickleType,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..errors import did_you_mean
from ..money.currency import Currency, RealWorldCurrency
from .context import (
    current_project,
    current_project_fields,
    current_session_actions,
    is_creating_session,
    warn_transient_attribute,
)
from .declarative import CurrencyType, FrameworkBase
from .queries import player_of_participant, players_of_participant, subsessions_of_session


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _VarsBacked:
    """PARTICIPANT_FIELDS / SESSION_FIELDS read and write `vars` under their own names."""

    _fields_kind = ""

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails, so columns are never shadowed.
        if not name.startswith("_") and name in current_project_fields(self._fields_kind):
            return (self.vars or {}).get(name)  # type: ignore[attr-defined]
        raise AttributeError(f"{type(self).__name__} has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_") and name in current_project_fields(self._fields_kind):
            self.vars[name] = value  # type: ignore[attr-defined]
            return
        if not name.startswith("_") and not hasattr(type(self), name):
            # As in oTree: an undeclared name would be silently lost at the end of the request.
            fields = current_project_fields(self._fields_kind)
            setting = (
                "PARTICIPANT_FIELDS" if self._fields_kind == "participant" else "SESSION_FIELDS"
            )
            if is_creating_session():
                # oTree lets creating_session set it; it lasts until the hook returns.
                warn_transient_attribute(type(self).__name__, name, f" ({setting})")
                super().__setattr__(name, value)
                return
            raise AttributeError(
                f"{type(self).__name__} has no field '{name}'.{did_you_mean(name, fields)} "
                f"Add it to {setting} in settings.py to store it (or use .vars)."
            )
        super().__setattr__(name, value)


class Session(_VarsBacked, FrameworkBase):
    """One run of a session config with its participants."""

    __tablename__ = "otree_session"
    _fields_kind = "session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    anonymous_code: Mapped[str] = mapped_column(String(16), unique=True)
    config_name: Mapped[str] = mapped_column(String(200))
    config: Mapped[dict[str, Any]] = mapped_column(PickleType(pickler=pickle))
    label: Mapped[str] = mapped_column(String(300), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    num_participants: Mapped[int] = mapped_column(Integer)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    is_mturk: Mapped[bool] = mapped_column(Boolean, default=False)
    room_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    vars: Mapped[dict[str, Any]] = mapped_column(PickleType(pickler=pickle))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", order_by="Participant.id_in_session", lazy="select"
    )

    @property
    def participation_fee(self) -> Any:
        """The participation fee from the session's config (real-world currency)."""
        return RealWorldCurrency(self.config.get("participation_fee", 0))

    @property
    def real_world_currency_per_point(self) -> Any:
        """Conversion rate from points to real money."""
        return self.config.get("real_world_currency_per_point", 1)

    def get_participants(self) -> list[Participant]:
        """The session's participants ordered by id_in_session."""
        return list(self.participants)

    def get_subsessions(self) -> list[Any]:
        """Every subsession of every app in the session, in app and round order."""
        return subsessions_of_session(self)

    def get_room(self) -> Any:
        """The room (of ROOMS) this session was created in, or None."""
        if self.room_name is None:
            return None
        return current_project().rooms.get(self.room_name)

    def advance_last_place_participants(self, visited_only: bool = False) -> None:
        """Move the participants furthest behind (at most 20) on by one page, as a timeout
        would; visited_only leaves out those who never opened their link.

        Done when the running request has finished its own work, before it commits.
        """
        current_session_actions().advance_last_place(self, visited_only)

    def advance_selected_participants(self, participants: Iterable[Participant]) -> None:
        """Move the given participants of this session on by one page, as a timeout would
        (when the running request has finished its own work)."""
        current_session_actions().advance_selected(self, list(participants))

    def __repr__(self) -> str:
        return f"<Session {self.code}>"


class Participant(_VarsBacked, FrameworkBase):
    """A person taking part in a session, across all apps and rounds."""

    __tablename__ = "otree_participant"
    __table_args__ = (
        Index("ix_otree_participant_session_id_in_session", "session_id", "id_in_session"),
    )
    _fields_kind = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    id_in_session: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    payoff: Mapped[Currency] = mapped_column(CurrencyType, default=0)
    vars: Mapped[dict[str, Any]] = mapped_column(PickleType(pickler=pickle))
    status: Mapped[str] = mapped_column(String(300), default="")
    visited: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    time_started_utc: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    index_in_pages: Mapped[int] = mapped_column(Integer, default=0)
    max_page_index: Mapped[int] = mapped_column(Integer, default=0)
    current_app_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    current_page_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    current_round_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Server-side timeouts: when the current page expires (epoch seconds), if it is timed.
    timeout_deadline: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    # group_by_arrival_time: when they reached the page, whether they are grouped yet, and
    # presence from the wait page's websocket (a closed tab must not be put into a group).
    gbat_arrived_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    gbat_grouped: Mapped[bool] = mapped_column(Boolean, default=False)
    wait_page_connected: Mapped[bool] = mapped_column(Boolean, default=False)
    wait_page_seen_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    mturk_worker_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    mturk_assignment_id: Mapped[str | None] = mapped_column(String(100), nullable=True)

    session: Mapped[Session] = relationship(back_populates="participants", lazy="select")

    def payoff_in_real_world_currency(self) -> Any:
        """The participant's payoff converted to real money."""
        return Currency(self.payoff).to_real_world_currency(self.session)

    def payoff_plus_participation_fee(self) -> Any:
        """What the participant is paid: payoff in real money plus the participation fee."""
        return self.payoff_in_real_world_currency() + self.session.participation_fee

    def get_players(self) -> list[Any]:
        """The participant's players in every app and round, in the order they were played."""
        return players_of_participant(self)

    def get_player(self, app_name: str, round_number: int) -> Any:
        """The participant's player in one app and round."""
        return player_of_participant(self, app_name, round_number)

    def set_label(self, label: str) -> None:
        """Set the participant's label."""
        self.label = label

    def field_maybe_none(self, name: str) -> Any:
        """Read a field or participant var that may be unset."""
        return getattr(self, name, None)

    def __repr__(self) -> str:
        return f"<Participant {self.code}>"


class PageTime(FrameworkBase):
    """When a participant completed a page: oTree's page-time export."""

    __tablename__ = "otree_page_time"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("otree_session.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("otree_participant.id", ondelete="CASCADE"), index=True
    )
    page_index: Mapped[int] = mapped_column(Integer)
    app_name: Mapped[str] = mapped_column(String(200))
    page_name: Mapped[str] = mapped_column(String(200))
    round_number: Mapped[int] = mapped_column(Integer)
    epoch_time_completed: Mapped[float] = mapped_column(Float, default=time.time)
    timeout_happened: Mapped[bool] = mapped_column(Boolean, default=False)
    is_wait_page: Mapped[bool] = mapped_column(Boolean, default=False)


class WaitPageArrival(FrameworkBase):
    """A participant reached a wait page; unique so an arrival counts once."""

    __tablename__ = "otree_wait_page_arrival"
    __table_args__ = (UniqueConstraint("session_id", "page_index", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"))
    page_index: Mapped[int] = mapped_column(Integer)
    scope_key: Mapped[str] = mapped_column(String(100), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("otree_participant.id", ondelete="CASCADE")
    )


class WaitPageCompletion(FrameworkBase):
    """A group (or subsession) passed a wait page; its after_all_players_arrive has run."""

    __tablename__ = "otree_wait_page_completion"
    __table_args__ = (UniqueConstraint("session_id", "page_index", "scope_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("otree_session.id", ondelete="CASCADE"))
    page_index: Mapped[int] = mapped_column(Integer)
    scope_key: Mapped[str] = mapped_column(String(100))
