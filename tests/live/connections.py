"""Servers for the live tests, and a way to cut a backend's subscriber connection."""

from __future__ import annotations

import os

import asyncpg  # type: ignore[import-untyped]
from redis import asyncio as aioredis

from otree_async.live.backends.base import Backend
from otree_async.live.backends.postgres import PostgresBackend
from otree_async.live.backends.redis import RedisBackend

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def kill_subscriber_connection(backend: Backend) -> None:
    """Drop the connection `backend` listens on, the way a server restart would."""
    if isinstance(backend, RedisBackend):
        client = aioredis.Redis.from_url(REDIS_URL)
        try:
            clients = await client.client_list(_type="pubsub")
            ids = [entry["id"] for entry in clients if entry["name"] == backend.client_name]
            assert len(ids) == 1, clients
            assert await client.client_kill_filter(_id=ids[0], _type="pubsub") == 1
        finally:
            await client.aclose()
    else:
        assert isinstance(backend, PostgresBackend)
        connection = await asyncpg.connect(POSTGRES_URL)
        try:
            killed = await connection.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = $1 AND query ILIKE 'LISTEN%'",
                backend.application_name,
            )
            assert killed == 1
        finally:
            await connection.close()
