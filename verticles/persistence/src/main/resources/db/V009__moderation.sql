-- Moderation and administration (issue 14).
-- Slow mode per room, read and enforced by the send transaction under the room lock; each member's last send
-- time is written by that same transaction (owners and admins are exempt).
ALTER TABLE rooms ADD COLUMN IF NOT EXISTS slow_mode_seconds INT NOT NULL DEFAULT 0;
ALTER TABLE room_members ADD COLUMN IF NOT EXISTS last_sent_at BIGINT NULL;

-- Bans per group room, on the room's shard: written and checked under the room lock.
CREATE TABLE IF NOT EXISTS room_bans (
  room_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  banned_by BIGINT NOT NULL,
  reason VARCHAR(500) NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Blocks per user (shard 0, next to users): user_id blocked blocked_id.
CREATE TABLE IF NOT EXISTS user_blocks (
  user_id BIGINT NOT NULL,
  blocked_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, blocked_id),
  KEY ix_user_blocks_blocked (blocked_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Reports of messages by members (shard 0, where administrators read them).
CREATE TABLE IF NOT EXISTS reports (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  room_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  reporter_id BIGINT NOT NULL,
  reason VARCHAR(500) NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY uq_reports_message_reporter (room_id, seq, reporter_id),
  KEY ix_reports_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Deactivated accounts keep their messages; login and refresh are refused while deactivated_at is set.
ALTER TABLE users ADD COLUMN IF NOT EXISTS deactivated_at BIGINT NULL;

-- Every moderation action: who, what, when, why. Written in the transaction of the action, on the shard of
-- what it is about (the room's for room actions, shard 0 for accounts); administrators read every shard.
CREATE TABLE IF NOT EXISTS moderation_audit (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  actor_id BIGINT NOT NULL,
  action VARCHAR(32) NOT NULL,
  target_user_id BIGINT NULL,
  room_id BIGINT NULL,
  seq BIGINT NULL,
  reason VARCHAR(500) NULL,
  detail VARCHAR(200) NULL,
  created_at BIGINT NOT NULL,
  KEY ix_moderation_audit_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
