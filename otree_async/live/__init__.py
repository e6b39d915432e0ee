"""Websockets and the group layer: wait-page notices, live pages, chat."""
