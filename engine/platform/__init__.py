"""What every feature uses: settings, database, models, clock, mail, compiled definitions."""
