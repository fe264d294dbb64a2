-- Where a signing key's private half lives: 'software' (sealed under the master key in
-- private_key_sealed) or 'pkcs11:LABEL' (inside that token; private_key_sealed is NULL then).
ALTER TABLE signing_keys ADD COLUMN custody VARCHAR(160) DEFAULT 'software' NOT NULL;
ALTER TABLE signing_keys ALTER COLUMN private_key_sealed DROP NOT NULL;
