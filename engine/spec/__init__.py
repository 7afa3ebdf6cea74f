"""Loading, checking and freezing YAML definitions into typed spec objects."""
