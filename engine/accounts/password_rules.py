"""The rules a new password must meet, the same on every page that sets one."""

from __future__ import annotations

from engine.accounts import users

Errors = list[tuple[str, str]]


def password_errors(
    password: str, confirm: str, field: str = "password", confirm_field: str = "confirm_password"
) -> Errors:
    """Return (input id, message) pairs for a new password typed twice."""
    errors: Errors = []
    if not password:
        errors.append((field, "Enter a password."))
    elif len(password) < users.MIN_PASSWORD_LENGTH:
        errors.append(
            (field, f"Password must be at least {users.MIN_PASSWORD_LENGTH} characters long.")
        )
    elif len(password) > users.MAX_PASSWORD_LENGTH:
        errors.append((field, f"Password must be {users.MAX_PASSWORD_LENGTH} characters or fewer."))
    if password and not confirm:
        errors.append((confirm_field, "Enter your password again."))
    elif password and confirm != password:
        errors.append((confirm_field, "The two passwords do not match."))
    return errors
