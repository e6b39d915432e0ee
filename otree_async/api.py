"""The one module experiment authors import: `from otree.api import *` resolves here."""

from __future__ import annotations

from .bots.bot import Bot, Submission, SubmissionMustFail, expect
from .models import fields as models
from .models import widgets
from .models.author import BaseConstants, BaseGroup, BasePlayer, BaseSubsession
from .models.extra import ExtraModel
from .money.currency import Currency, RealWorldCurrency, cu, currency_range
from .money.decimal_unit import DecimalUnit
from .pages import Page, WaitPage
from .project.files import read_csv, url_of_static_file
from .templating.tags import to_json as safe_json

fields = models

__all__ = [
    "BaseConstants",
    "BaseGroup",
    "BasePlayer",
    "BaseSubsession",
    "Bot",
    "Currency",
    "DecimalUnit",
    "ExtraModel",
    "Page",
    "RealWorldCurrency",
    "Submission",
    "SubmissionMustFail",
    "WaitPage",
    "cu",
    "currency_range",
    "expect",
    "fields",
    "models",
    "read_csv",
    "safe_json",
    "url_of_static_file",
    "widgets",
]
