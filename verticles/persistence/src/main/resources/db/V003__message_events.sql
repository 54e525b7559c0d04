-- The message event stream (issue 6) and what its consumers keep in MySQL.
--
-- message_events is a transactional outbox: every committed message, edit and delete adds a row in the same
-- transaction as the change (a send batch adds all its rows with one multi-row INSERT), so the stream cannot
-- lose an event even if the node dies right after the commit. The persistence side relays the rows in id
-- order to Kafka or the event bus; consumers catch up from here. AUTO_INCREMENT ids are allocated at INSERT
-- and committed in any order (and rolled-back ones leave holes): readers track gaps (EventWatermark).
-- Rows are small and keyed by id only; the relay prunes rows older than events.retentionHours.
CREATE TABLE IF NOT EXISTS message_events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  room_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  kind ENUM('created', 'edited', 'deleted') NOT NULL,
  created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Stored positions (event ids) of stream readers that keep them in MySQL: the relay, the notifier.
CREATE TABLE IF NOT EXISTS stream_cursors (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  position BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Notifications (mentions, direct messages) kept for their recipients, newest first by id. At most one per
-- (user, message): the notifier may see an event more than once.
CREATE TABLE IF NOT EXISTS notifications (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  room_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  from_user_id BIGINT NOT NULL,
  snippet VARCHAR(200) NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT NULL,
  UNIQUE KEY uq_notifications_message (user_id, room_id, seq),
  KEY ix_notifications_user (user_id, id),
  KEY ix_notifications_unread (user_id, read_at),
  KEY ix_notifications_room (room_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rooms a member muted: no notifications from them.
CREATE TABLE IF NOT EXISTS room_mutes (
  room_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  muted_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id),
  KEY ix_room_mutes_user (user_id, room_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
