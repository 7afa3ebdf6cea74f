"""Pure runtime: validation, state machines, deadlines. No Flask, no DB session."""
