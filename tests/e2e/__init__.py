"""End-to-end tests: the `soviet` command run as a user runs it."""
