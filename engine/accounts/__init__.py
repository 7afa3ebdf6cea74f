"""Accounts: users, usernames, passwords, set-password links and their emails."""
