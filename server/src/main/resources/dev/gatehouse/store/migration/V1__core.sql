-- Gatehouse core schema. Portable between H2 (2.x) and PostgreSQL: times are epoch milliseconds,
-- binary values are base64url text.

CREATE TABLE accounts (
    id                     VARCHAR(64)  NOT NULL PRIMARY KEY,
    name                   VARCHAR(256) NOT NULL,
    consumer_id_key_sealed VARCHAR(200) NOT NULL,
    created_at             BIGINT       NOT NULL
);

CREATE TABLE apps (
    client_id   VARCHAR(36)  NOT NULL PRIMARY KEY,
    account_id  VARCHAR(64)  NOT NULL REFERENCES accounts (id),
    name        VARCHAR(256) NOT NULL,
    secret_hash VARCHAR(64)  NOT NULL,
    scope       VARCHAR(1024) NOT NULL,
    enabled     BOOLEAN      NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);

CREATE INDEX apps_by_account ON apps (account_id);

CREATE TABLE signing_keys (
    kid                VARCHAR(64)   NOT NULL PRIMARY KEY,
    purpose            VARCHAR(32)   NOT NULL,
    state              VARCHAR(16)   NOT NULL,
    alg                VARCHAR(16)   NOT NULL,
    public_jwk         VARCHAR(2048) NOT NULL,
    private_key_sealed VARCHAR(8192) NOT NULL,
    created_at         BIGINT        NOT NULL
);
