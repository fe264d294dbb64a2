-- Key rotation: when a key was published, when a NEXT key becomes ACTIVE, when a RETIRING key retires.
ALTER TABLE signing_keys ADD COLUMN published_at BIGINT;
ALTER TABLE signing_keys ADD COLUMN activate_at BIGINT;
ALTER TABLE signing_keys ADD COLUMN retire_at BIGINT;
UPDATE signing_keys SET published_at = created_at;
