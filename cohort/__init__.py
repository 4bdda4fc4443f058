"""Founding-cohort management: intake, stages, credentials, accreditation and the overview.

Plain Python over the review database: every function takes a DuckDB cursor, and nothing
here imports streamlit. Stages and statuses that follow from pack decisions are derived
from decision_events each time they are read, never stored a second time.
"""
