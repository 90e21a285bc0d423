"""The rules and vocabulary of council democracy, pure: no database, no clock, no I/O."""
