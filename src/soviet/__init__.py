"""soviet: a council-democracy engine — every office elected, recallable, and on an open log."""

__version__ = "0.1.0"
