"""Participant flow inside a unit of work: sessions, pages, forms, wait pages, advancing."""
