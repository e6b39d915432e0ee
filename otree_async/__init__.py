"""otree-async: oTree-format experiments on Starlette, SQLAlchemy and uvicorn workers."""

__version__ = "0.1.0"
