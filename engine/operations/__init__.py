"""Running the service: the outbox and accounts pages, record retention."""
