"""What an application owes after a decision: reports due, reminders, filing, periods."""
