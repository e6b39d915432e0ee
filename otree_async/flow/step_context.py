"""What a flow step works with: its database session, the runtime, and the notices it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session as DbSession

from .messages import Message
from .results import Notice

if TYPE_CHECKING:
    from .runtime import Runtime


@dataclass
class StepContext:
    """One step in its unit of work; run_step publishes `notices` once the step commits."""

    db: DbSession
    runtime: Runtime
    notices: list[Notice] = field(default_factory=list)

    def notify(self, channel: str, message: Message) -> None:
        """Publish `message` on `channel` after the commit (never if the step rolls back)."""
        self.notices.append(Notice(channel, message))
