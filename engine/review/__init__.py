"""Reviewers' work: the queue, its filters and export, bulk decisions, assignment, overrides."""
