"""Decisions as plain functions: page plans, grouping, wait-page completion, timeouts."""
