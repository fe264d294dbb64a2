-- Brute-force limits shared by every node on one database: failures counted per (door, subject,
-- address) in a fixed window, and the lockouts in force.
CREATE TABLE auth_failures (
    door         VARCHAR(32)  NOT NULL,
    subject      VARCHAR(256) NOT NULL,
    address      VARCHAR(64)  NOT NULL,
    window_start BIGINT       NOT NULL,
    failures     INT          NOT NULL,
    lockouts     INT          NOT NULL,
    locked_until BIGINT,
    PRIMARY KEY (door, subject, address)
);
