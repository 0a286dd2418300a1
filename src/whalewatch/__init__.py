"""whalewatch: weekly briefings on DeepSeek and Chinese AI policy from feeds and an editor's notes."""

__version__ = "0.1.0"
