-- The webhook dispatcher asks for the oldest due deliveries, a page at a time. With the index on
-- (state, next_attempt_at) H2 could not read them in order: it collected every pending row, sorted
-- them in a temporary result spilled to disk, and kept the first page, so each look at the queue
-- cost time in proportion to the backlog (measured: 88% of the dispatcher's CPU with 20,000
-- pending). With the id in the index and the query ordered by all three columns, both H2 and
-- PostgreSQL read the first page straight off the index.
CREATE INDEX sandbox_deliveries_due_order ON sandbox_deliveries (state, next_attempt_at, id);
DROP INDEX sandbox_deliveries_due;
