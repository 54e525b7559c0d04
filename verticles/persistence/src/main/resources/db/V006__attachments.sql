-- Attachments (issue 12): uploads of a member to a room, on the room's shard. The bytes live in the blob store
-- (local disk or S3) under storage_key; a row is written only after its blob is stored. message_seq is set in the
-- send transaction that attaches it (once: an attachment belongs to at most one message); deleted_at when that
-- message is deleted. The purge job removes rows never attached after attachments.orphanTtlHours, and tombstoned
-- ones, then their blobs.
CREATE TABLE IF NOT EXISTS attachments (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  room_id BIGINT NOT NULL,
  uploader_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  content_type VARCHAR(127) NOT NULL,
  size BIGINT NOT NULL,
  sha256 CHAR(64) NOT NULL,
  width INT NULL,
  height INT NULL,
  storage_key VARCHAR(200) NOT NULL,
  thumbnail_key VARCHAR(200) NULL,
  created_at BIGINT NOT NULL,
  message_seq BIGINT NULL,
  deleted_at BIGINT NULL,
  KEY ix_attachments_message (room_id, message_seq),
  KEY ix_attachments_orphans (message_seq, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The metadata a message shows, [{id, name, contentType, size, width?, height?}], written with the message.
-- MySQL 8 has no ADD COLUMN IF NOT EXISTS: this is the one statement that is not re-runnable, so it comes last.
ALTER TABLE messages ADD COLUMN attachments TEXT NULL;
