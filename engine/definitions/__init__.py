"""Definitions staff edit: publishing, upgrades of applications under way, editor, versions."""
