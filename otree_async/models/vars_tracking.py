"""Save `participant.vars` and `session.vars` when their contents change.

vars are pickled dicts that authors mutate in place (`participant.vars['x'].append(1)`), which
SQLAlchemy cannot see. We keep every Participant and Session the transaction touches (the
identity map holds unmodified objects only weakly, so an in-place change could be collected
before commit) and, before committing, compare each one's pickled vars with a snapshot.
"""

from __future__ import annotations

import pickle
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm.attributes import flag_modified

from .framework import Participant, Session

_SNAPSHOT = "_otree_vars_snapshot"
_TOUCHED = "otree_vars_touched"


def _snapshot(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@event.listens_for(Participant, "load")
@event.listens_for(Session, "load")
def _remember_vars(target: Any, _context: Any) -> None:
    target.__dict__[_SNAPSHOT] = _snapshot(target.__dict__.get("vars"))


def _keep(db: DbSession, instance: Any) -> None:
    if isinstance(instance, Participant | Session):
        db.info.setdefault(_TOUCHED, {})[id(instance)] = instance


def _flag_changed_vars(db: DbSession) -> None:
    for obj in list(db.info.get(_TOUCHED, {}).values()):
        if "vars" in obj.__dict__:
            current = _snapshot(obj.__dict__["vars"])
            if current != obj.__dict__.get(_SNAPSHOT):
                flag_modified(obj, "vars")
                obj.__dict__[_SNAPSHOT] = current


class VarsTrackingSession(DbSession):
    """A Session that saves in-place changes of participant.vars and session.vars.

    The check runs before commit, not before flush: a flush is skipped when nothing else is
    dirty, and an in-place change of vars alone must still be saved. The listeners belong to
    the class, so opening a session registers nothing: registering three listeners on every
    session was a measurable part of every request.
    """


event.listen(VarsTrackingSession, "loaded_as_persistent", _keep)
event.listen(VarsTrackingSession, "transient_to_pending", _keep)
event.listen(VarsTrackingSession, "before_commit", _flag_changed_vars)
