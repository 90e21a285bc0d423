"""Use cases: one handler per command, each inside one unit of work.

A handler reads state through a `Workspace`, checks the rules of `soviet.domain`, and
records events; the workspace writes each event and its projections together.
"""
