"""Starlette routes: participant pages, demo, REST; thin over flow/ and engine/."""
