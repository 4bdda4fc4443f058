"""Reading evidence packs: archives, the manifest, artifact content, and loading into DuckDB."""
