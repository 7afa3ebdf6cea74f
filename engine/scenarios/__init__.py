"""Scenario tests written in YAML by staff: cases played against a scratch database."""
