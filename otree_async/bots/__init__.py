"""Bots: Bot/Submission/expect for tests.py, the runner that plays them, the pytest plugin."""
