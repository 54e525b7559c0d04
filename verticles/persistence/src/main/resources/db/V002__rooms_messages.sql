-- Rooms, membership and messages.
-- rooms.last_seq is the authority for per-room sequence numbers: a send batch locks the room rows
-- (SELECT ... FOR UPDATE), takes seqs above last_seq, inserts the messages and advances last_seq in the
-- same transaction. Every membership change also updates the room row (member_count), so it serializes
-- with sends to that room: once a kick commits, no later batch gives the kicked user a seq.
CREATE TABLE IF NOT EXISTS rooms (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  kind VARCHAR(8) NOT NULL,
  visibility VARCHAR(8) NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  member_count INT NOT NULL DEFAULT 0,
  direct_key VARCHAR(64) NULL,
  deleted_at BIGINT NULL,
  UNIQUE KEY uq_rooms_direct (direct_key),
  KEY ix_rooms_visibility_name (visibility, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- read_seq is the member's read marker; unread = rooms.last_seq - read_seq.
CREATE TABLE IF NOT EXISTS room_members (
  room_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  role VARCHAR(8) NOT NULL,
  joined_at BIGINT NOT NULL,
  read_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id),
  KEY ix_room_members_user (user_id, room_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Clustered by (room_id, seq): history pages are primary-key range scans. A message's wire id is
-- "<room_id>-<seq>". Deleted messages stay as tombstones (text NULL, deleted_at set) and keep their seq.
CREATE TABLE IF NOT EXISTS messages (
  room_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  sender_id BIGINT NOT NULL,
  client_msg_id VARCHAR(64) NOT NULL,
  text TEXT NULL,
  reply_to BIGINT NULL,
  created_at BIGINT NOT NULL,
  edited_at BIGINT NULL,
  deleted_at BIGINT NULL,
  PRIMARY KEY (room_id, seq),
  UNIQUE KEY uq_messages_idempotency (room_id, sender_id, client_msg_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
