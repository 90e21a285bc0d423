"""Secret ballots after the Belenios 2.0 specification: a pure core, no I/O but archives."""
