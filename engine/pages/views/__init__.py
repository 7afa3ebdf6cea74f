"""The public information pages."""
