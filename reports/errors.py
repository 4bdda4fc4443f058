"""Errors raised while building a report."""


class PackNotFound(LookupError):
    """The pack_id is not in the database; the message names it and how to list packs."""

    def __init__(self, pack_id: str) -> None:
        super().__init__(
            f"pack {pack_id!r} is not in the database; import it first, or check the pack_id "
            "against the packs table"
        )
        self.pack_id = pack_id
