"""The JSON API (`/api/v1/…`): the public reads of the log and its projections, and the
acts members take by posting their signed statements. An edge: it parses requests, calls
the services and the storage's reads through the one bootstrap, and renders JSON — the
same records `soviet show … --json` prints."""
