"""Streamlit helpers shared by the pages: the session's database cursor and the reviewer."""
