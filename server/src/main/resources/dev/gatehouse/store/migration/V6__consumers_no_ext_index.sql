-- A consumer is found by its external id through its lp_consumer_id, which is derived from it
-- (HMAC under the account's key), so the primary key serves both lookups. The second index only
-- doubled the cost of recording new consumers.
DROP INDEX consumers_by_ext;
