"""`python -m otree_async`: the same as the `otree-async` command."""

from .cli import main

main()
