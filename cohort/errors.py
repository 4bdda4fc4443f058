"""Errors that cohort actions raise; each message states what failed and what to do next."""

from __future__ import annotations


class CohortError(ValueError):
    """A cohort action was rejected; the message names the value and the fix."""


class DuplicateOrganisation(CohortError):
    """The intake names an organisation that the cohort already holds."""


class LimitReached(CohortError):
    """A founding-cohort limit (organisations, or operators per organisation) was hit."""
