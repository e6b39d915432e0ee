"""`python -m otree_async.cli`: the same as the `otree-async` command."""

from . import main

main()
