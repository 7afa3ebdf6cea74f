"""Public information pages: home, help topics, the rule book."""
