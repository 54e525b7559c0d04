-- Which stream a reader follows (issue 22). A search index or a stored position belongs to one database's
-- outbox: a database dropped and created again, or a backup restored, starts its ids anew, and a reader that
-- kept its position from the old one would skip the new events. One row per database, created with the schema
-- and never changed: a random id that readers store next to their positions and compare on start.
CREATE TABLE IF NOT EXISTS stream_identity (
  singleton TINYINT NOT NULL PRIMARY KEY,
  identity CHAR(36) NOT NULL,
  created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO stream_identity (singleton, identity, created_at) VALUES (1, UUID(), UNIX_TIMESTAMP() * 1000);
