"""The `butterfly-review` command line."""
