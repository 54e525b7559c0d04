-- Integrations (issue 15): bot accounts and their API tokens, incoming and outgoing webhooks.
-- A bot is a user (users row, shard 0) with a bots row naming its owner; it has no usable password.
CREATE TABLE IF NOT EXISTS bots (
  user_id BIGINT NOT NULL PRIMARY KEY,
  owner_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  created_at BIGINT NOT NULL,
  deleted_at BIGINT NULL,
  KEY ix_bots_owner (owner_id, deleted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A bot's long-lived API token, stored as SHA-256 of the random token (shown once). Each token is a login
-- session of its own (auth_sessions), so revoking it is revoking that session everywhere.
CREATE TABLE IF NOT EXISTS bot_tokens (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,
  bot_id BIGINT NOT NULL,
  session_id CHAR(36) NOT NULL,
  created_at BIGINT NOT NULL,
  KEY ix_bot_tokens_bot (bot_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Incoming webhooks, on the room's shard: a secret URL that posts into the room as the hook's bot.
-- The id is "<roomId>-<random>" (it names its shard); the secret is stored as SHA-256.
CREATE TABLE IF NOT EXISTS incoming_webhooks (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  room_id BIGINT NOT NULL,
  bot_id BIGINT NOT NULL,
  name VARCHAR(100) NOT NULL,
  secret_hash CHAR(64) NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  deleted_at BIGINT NULL,
  KEY ix_incoming_webhooks_room (room_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Outgoing webhooks, on the room's shard: the room's committed events POSTed to url, signed with secret
-- (kept as given: it is the HMAC key). failures counts consecutive failed deliveries.
CREATE TABLE IF NOT EXISTS outgoing_hooks (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  room_id BIGINT NOT NULL,
  url VARCHAR(2048) NOT NULL,
  events VARCHAR(255) NOT NULL,
  secret VARCHAR(255) NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  disabled_at BIGINT NULL,
  disabled_reason VARCHAR(255) NULL,
  deleted_at BIGINT NULL,
  KEY ix_outgoing_hooks_room (room_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
