"""Signing in and out, passwords, the account page."""
