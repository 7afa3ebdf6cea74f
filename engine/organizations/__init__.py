"""Organizations (providers), their people, the public directory and the provider switcher."""
