-- An account's conversations are listed newest first by (started_at, conversation_id), the page
-- cursor being the last one's pair: this index holds that whole order, so a page is read off it in
-- order (the one it replaces, on (account_id, started_at), made H2 read and sort all the account's
-- conversations at every page, and a cursor of started_at alone skipped conversations that started
-- in the same millisecond as a page's last).
CREATE INDEX sandbox_conversations_page_order ON sandbox_conversations (account_id, started_at, conversation_id);
DROP INDEX sandbox_conversations_by_account;
