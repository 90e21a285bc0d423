"""The notice board: server-rendered pages (Jinja2) over the same reads as the API, the
JavaScript that signs a member's acts in their own browser, and the log as static tiles."""
