"""Every check module; importing this package registers the whole catalogue."""

from checks.catalogue import (  # noqa: F401
    chronology,
    claims,
    communication,
    identity,
    integrity,
    lineage,
    mutations,
    personal_data,
    tenant,
    track,
)
