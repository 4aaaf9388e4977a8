"""Invoices follow the fundings: the documents a funding's state requires are stored (or moved
to their required status) after each change that posts its journal entries, and again by the
ledger-repair timer after a crash, so a funded engagement always ends with its invoice (paid:
the receipt) and a refunded one with its credit note. Emits InvoiceIssued, InvoicePaid,
InvoiceCredited.
"""

from __future__ import annotations

from dataclasses import replace

from payouts.domain import invoice as docs
from payouts.domain import sponsor_invoice as sponsor_docs
from payouts.domain.funding import Funding
from payouts.handlers.invoice_ports import InvoiceStore
from stint.kit.actor import Cause
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import AlreadyExists


class Invoicing:
    def __init__(self, store: InvoiceStore, issuer: docs.Party) -> None:
        self.store = store
        self.issuer = issuer

    async def follow(self, f: Funding, cause: Cause) -> None:
        """Store every document `f` requires that is missing, and advance the others."""
        for wanted in [*docs.required(f, self.issuer), *sponsor_docs.required(f, self.issuer)]:

            async def ensure(w: docs.Invoice = wanted) -> None:
                await self._ensure(w, cause)

            await retry_on_conflict(ensure)

    async def _ensure(self, wanted: docs.Invoice, cause: Cause) -> None:
        stored = await self.store.get_invoice(wanted.id)
        if stored is None:
            numbered = replace(
                wanted, number=await self.store.claim_number(wanted.series, wanted.id)
            )
            try:
                await self.store.insert_invoice(numbered, docs.issued(numbered), cause)
                return
            except AlreadyExists:  # a concurrent follower stored it: advance that one
                stored = await self.store.get_invoice(wanted.id)
                if stored is None:  # invoices are never deleted
                    raise
        moved = docs.advance(stored, wanted)
        if moved is not None:
            new, events = moved
            await self.store.update_invoice(new, stored.version, events, cause)
