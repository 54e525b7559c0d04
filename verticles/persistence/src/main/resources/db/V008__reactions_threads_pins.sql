-- Reactions, threads, pins and read receipts (issue 13), on each room's shard.
--
-- One row per (message, user, emoji); the unique key makes adding a reaction idempotent, whoever races. id orders
-- a message's reactions by arrival (the first users shown per emoji). emoji is compared byte for byte (utf8mb4_bin):
-- a skin-tone variant is another emoji.
CREATE TABLE IF NOT EXISTS message_reactions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  room_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  emoji VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY uq_message_reactions (room_id, seq, user_id, emoji),
  KEY ix_message_reactions_message (room_id, seq, emoji, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Pinned messages of a room, newest first by pinned_at. Deleting a message removes its pin in the same transaction.
CREATE TABLE IF NOT EXISTS message_pins (
  room_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  pinned_by BIGINT NOT NULL,
  pinned_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, seq),
  KEY ix_message_pins_room (room_id, pinned_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The message shows what it needs without another read: its thread root (a reply), its thread summary (a root:
-- replies, last reply time, first participants as a JSON array), and its reactions summary (JSON, [{emoji, count,
-- users}]). The summaries are written in the transactions that add a reply or change a reaction, under the
-- message's row lock, so they are always exact.
-- MySQL 8 has no ADD COLUMN IF NOT EXISTS: Migrations skips a column or key that a node added before dying.
ALTER TABLE messages ADD COLUMN thread_root BIGINT NULL, ADD COLUMN thread_replies INT NOT NULL DEFAULT 0,
  ADD COLUMN thread_last_reply_ts BIGINT NULL, ADD COLUMN thread_participants VARCHAR(200) NULL,
  ADD COLUMN reactions TEXT NULL;
ALTER TABLE messages ADD KEY ix_messages_thread (room_id, thread_root, seq);

-- When the member's read marker last moved (read receipts' readAt).
ALTER TABLE room_members ADD COLUMN read_at BIGINT NULL;

-- The outbox carries reactions and pins too: who did it, and for a reaction {emoji, op}.
ALTER TABLE message_events MODIFY kind ENUM('created', 'edited', 'deleted', 'reaction', 'pinned', 'unpinned') NOT NULL;
ALTER TABLE message_events ADD COLUMN actor_id BIGINT NULL, ADD COLUMN detail VARCHAR(200) NULL;
