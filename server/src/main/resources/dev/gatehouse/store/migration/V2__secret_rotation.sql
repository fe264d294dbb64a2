-- App secret rotation: the previous secret's hash keeps working until its expiry.
ALTER TABLE apps ADD COLUMN previous_secret_hash VARCHAR(64);
ALTER TABLE apps ADD COLUMN previous_secret_expires_at BIGINT;
