"""Templates: oTree's dialect compiled to jinja2, the environment, built-in pages, static files."""

from .dialect import compile_otree_template
from .environment import (
    build_environment,
    render,
    resolve_page_template,
    static_directory,
    template_exists,
)
from .tags import NEXT_BUTTON_HTML, RenderableForm

__all__ = [
    "NEXT_BUTTON_HTML",
    "RenderableForm",
    "build_environment",
    "compile_otree_template",
    "render",
    "resolve_page_template",
    "static_directory",
    "template_exists",
]
