"""Consistency checks over a loaded evidence pack, and the findings they report."""
