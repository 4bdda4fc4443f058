"""Decision and cohort reports: build them from the database, render PDF, JSON and CSV.

Plain Python with no streamlit import, so the command line, the app and the tests share it.
"""
