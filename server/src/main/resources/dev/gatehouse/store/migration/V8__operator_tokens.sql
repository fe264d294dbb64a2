-- Named admin tokens with a role (admin, read, introspect), stored only as HMAC-SHA256 under a pepper.
CREATE TABLE operator_tokens (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(256) NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    token_hash  VARCHAR(64)  NOT NULL UNIQUE,
    created_at  BIGINT       NOT NULL,
    revoked_at  BIGINT
);
