-- Notification preferences (issue 19). Per user (read on shard 0, like notifications): the level for rooms
-- without their own, push on/off, push content, quiet hours (minutes of the day in the user's zone).
CREATE TABLE IF NOT EXISTS notification_preferences (
  user_id BIGINT NOT NULL PRIMARY KEY,
  level VARCHAR(8) NOT NULL,
  push TINYINT(1) NOT NULL,
  push_content VARCHAR(8) NOT NULL,
  quiet_start SMALLINT NULL,
  quiet_end SMALLINT NULL,
  quiet_zone VARCHAR(64) NULL,
  updated_at BIGINT NOT NULL,
  KEY ix_notification_preferences_level (level)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A member's own level for one room (all, mentions, none), on the room's shard next to its members. No row: the
-- user's level. The mutes of V003 become level none.
CREATE TABLE IF NOT EXISTS room_notification_levels (
  room_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  level VARCHAR(8) NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id),
  KEY ix_room_notification_levels_user (user_id, level, room_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO room_notification_levels (room_id, user_id, level, updated_at)
  SELECT room_id, user_id, 'none', muted_at FROM room_mutes;

DROP TABLE IF EXISTS room_mutes;

-- Push subscriptions (shard 0): Web Push endpoints with their keys, or Matrix push gateways (url + pushkey).
-- target_hash is SHA-256 of what identifies the device (endpoint, or url and pushkey): subscribing it again is
-- the same row.
CREATE TABLE IF NOT EXISTS push_subscriptions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  kind VARCHAR(8) NOT NULL,
  endpoint VARCHAR(2048) NOT NULL,
  p256dh VARCHAR(128) NULL,
  auth VARCHAR(64) NULL,
  pushkey VARCHAR(512) NULL,
  app_id VARCHAR(128) NULL,
  target_hash BINARY(32) NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY uq_push_subscriptions_target (target_hash),
  KEY ix_push_subscriptions_user (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
