-- Issue 13, send path: the replies of a thread, indexed apart from messages. V008's (room_id, thread_root, seq)
-- key on messages put an entry into a second secondary index for every message, thread reply or not (InnoDB has
-- no partial indexes, and MariaDB 10.11 buffers no secondary-index changes), on the hottest insert there is.
-- Here only a reply costs a row, written by the send transaction that stores it (see ThreadReplies).
-- messages.thread_root stays: it is what a message shows, and what checks that a root is not itself a reply.
CREATE TABLE IF NOT EXISTS message_thread_replies (
  room_id BIGINT NOT NULL,
  root_seq BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (room_id, root_seq, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO message_thread_replies (room_id, root_seq, seq)
  SELECT room_id, thread_root, seq FROM messages WHERE thread_root IS NOT NULL;

ALTER TABLE messages DROP INDEX IF EXISTS ix_messages_thread;

-- Issue 13, read receipts: whether the user shows up in others' read receipts (GET .../readers, the page's "seen
-- by"). A user setting, on shard 0 with the user (GET and PATCH /users/me/settings).
ALTER TABLE users ADD COLUMN IF NOT EXISTS share_receipts BOOLEAN NOT NULL DEFAULT TRUE;
