"""Render: one Issue in, every output format out, written atomically."""
