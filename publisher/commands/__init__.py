"""The commands of `nida`, one module per group of them, each loaded only when it runs (publisher/cli.py)."""
