"""Public listing pages (events, portal) declared by `listing:` in workflows."""
