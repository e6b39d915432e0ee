"""Loading and checking an oTree project: settings.py, its apps (both formats), files and
templates, validated once at start with messages that say what to fix."""

from .descriptions import App, AppConstants, Project, Room, SessionConfig, Settings
from .loading import load_project

__all__ = [
    "App",
    "AppConstants",
    "Project",
    "Room",
    "SessionConfig",
    "Settings",
    "load_project",
]
