-- The consumer registry: which lp_consumer_id stands for which ext_consumer_id on an account.
CREATE TABLE consumers (
    account_id      VARCHAR(64)  NOT NULL,
    lp_consumer_id  VARCHAR(64)  NOT NULL,
    ext_consumer_id VARCHAR(512) NOT NULL,
    first_seen      BIGINT       NOT NULL,
    last_seen       BIGINT       NOT NULL,
    PRIMARY KEY (account_id, lp_consumer_id)
);

CREATE INDEX consumers_by_ext ON consumers (account_id, ext_consumer_id);

-- Revoked consumers, and erased ones (erased_at set; no external id is kept for them).
CREATE TABLE consumer_revocations (
    account_id     VARCHAR(64) NOT NULL,
    lp_consumer_id VARCHAR(64) NOT NULL,
    revoked_at     BIGINT      NOT NULL,
    erased_at      BIGINT,
    PRIMARY KEY (account_id, lp_consumer_id)
);
