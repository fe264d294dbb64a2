-- Revocable AppJWTs: tokens of an app issued before this instant (epoch ms) are refused; set when
-- the app is disabled or its secret is cut off at once.
ALTER TABLE apps ADD COLUMN tokens_not_before BIGINT;
