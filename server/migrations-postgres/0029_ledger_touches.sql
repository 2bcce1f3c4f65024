-- An allocation's invoice and payment are numbered as changed by the ledger
-- (`ledger::record::write_allocations`), one statement for a batch of rows,
-- instead of by this trigger for each row. Every allocation is written by that
-- function; undoing one (a delete) keeps its trigger.
DROP TRIGGER allocation_touch_insert ON payment_allocation;
