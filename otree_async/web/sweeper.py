"""The timeout sweeper every worker runs: expired pages are submitted server-side."""

from __future__ import annotations

import asyncio
import logging
import random

from ..flow.runtime import Runtime
from ..flow.timeouts import submit_expired_pages
from ..flow.unit_of_work import run_step

logger = logging.getLogger("otree_async.timeouts")

INTERVAL_SECONDS = 1.0


async def sweep_once(runtime: Runtime) -> int:
    """Submit every page whose deadline has passed; returns how many were submitted."""
    # run_step publishes the "advanced" notices, after the commit, as for every step.
    outcome = await run_step(runtime, submit_expired_pages)
    submitted: int = outcome.value
    return submitted


async def run_sweeper(runtime: Runtime) -> None:
    """Sweep forever (cancel the task to stop); errors are logged, never fatal."""
    while True:
        # Jitter so that several workers don't all sweep in the same instant.
        await asyncio.sleep(INTERVAL_SECONDS * random.uniform(0.75, 1.25))
        try:
            while await sweep_once(runtime) > 0:
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("The timeout sweeper failed; retrying in a second.")
