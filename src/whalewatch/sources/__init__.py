"""Sources: feeds fetched over HTTP (or read from snapshots) and the editor's notes, normalised."""
