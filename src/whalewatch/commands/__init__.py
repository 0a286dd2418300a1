"""User verbs that need more than a few lines; the CLI calls them, they call the stages."""
