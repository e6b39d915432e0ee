"""The core: each step (show, submit, arrive, advance, time out) in one unit of work.

Its front door is unit_of_work.run_step(runtime, step, *args): the step gets a StepContext
(step_context.py), returns one Outcome (results.py), and the notices it raised are published
on the group layer after the commit, as typed messages (messages.py). web/ and live/ call in
here; nothing in here imports them.
"""
