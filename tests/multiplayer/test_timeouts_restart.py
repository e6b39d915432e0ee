"""A timed page expires while the server is down: after the restart it is submitted anyway."""

from __future__ import annotations

import asyncio
import signal

import httpx

from .servers import ServerProcess


async def current_page(base_url: str, session_code: str) -> str | None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        details = (await client.post(f"/api/get_session/{session_code}", json={})).json()
    return details["participants"][0]["current_page_name"]


async def test_deadline_survives_a_crash(database_url: str) -> None:
    server = ServerProcess(database_url, 1, None)
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            created = await client.post(
                "/api/sessions", json={"session_config_name": "timed", "num_participants": 1}
            )
            session_code = created.json()["code"]
            details = (await client.post(f"/api/get_session/{session_code}", json={})).json()
            code = details["participants"][0]["code"]
            page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
            assert "/Question/" in page.url.path
    finally:
        # The browser is closed and the server crashes before the 1-second deadline.
        server.stop(signal.SIGKILL)
    await asyncio.sleep(1.5)
    restarted = ServerProcess(database_url, 1, None)
    try:
        for _ in range(100):
            if await current_page(restarted.base_url, session_code) == "Done":
                break
            await asyncio.sleep(0.1)
        assert await current_page(restarted.base_url, session_code) == "Done", restarted.log()
    finally:
        restarted.stop()
