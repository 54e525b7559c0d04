-- Issue 15: a message sent by a bot (its API token or an incoming webhook) shows bot: true. The flag comes from
-- the sender's authentication at the send and is stored with the row, so neither the send nor a read looks the
-- sender up (bots live on shard 0, messages on their room's shard). The UPDATE marks the messages bots sent
-- before this column existed, as far as this database knows its bots (shard 0 knows them all).
ALTER TABLE messages ADD COLUMN sender_bot BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE messages SET sender_bot = TRUE WHERE sender_bot = FALSE AND sender_id IN (SELECT user_id FROM bots);
