package dev.parley.persistence;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied at start. Each node takes a MySQL named lock first, so nodes starting
 * together apply every migration exactly once; a migration edited after it was applied stops the start
 * (its checksum no longer matches). MySQL commits DDL implicitly, so migration files are written to be
 * re-runnable ({@code IF NOT EXISTS}) in case a node died half-way through one.
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final int LOCK_TIMEOUT_SECONDS = 60;

  /** Every migration in order. A new one is a new file in resources/db and a new line here. */
  static final List<String> FILES = List.of(
      "V001__accounts.sql",
      "V002__rooms_messages.sql",
      "V003__message_events.sql",
      "V004__room_caps.sql",
      "V005__stream_identity.sql",
      "V006__attachments.sql",
      "V007__notification_preferences_push.sql",
      "V008__reactions_threads_pins.sql",
      "V009__moderation.sql",
      "V010__integrations.sql",
      "V011__thread_index_receipt_setting.sql",
      "V012__message_sender_bot.sql");
  /** ER_DUP_KEYNAME: an ADD KEY that a node applied before dying, so the migration was not yet recorded. */
  private static final int DUPLICATE_KEY_NAME = 1061;
  /** ER_DUP_FIELDNAME: likewise for an ADD COLUMN (MySQL 8 has no ADD COLUMN IF NOT EXISTS). */
  private static final int DUPLICATE_COLUMN_NAME = 1060;

  private Migrations() {
  }

  static Future<Void> apply(Vertx vertx, Pool pool, String database) {
    String lockName = "parley_migrations_" + database;
    return pool.withConnection(connection -> connection
        .preparedQuery("SELECT GET_LOCK(?, ?)").execute(Tuple.of(lockName, LOCK_TIMEOUT_SECONDS))
        .compose(rows -> {
          Integer locked = rows.iterator().next().getInteger(0);
          if (locked == null || locked != 1) {
            return Future.failedFuture("another node held the schema migration lock for "
                + LOCK_TIMEOUT_SECONDS + " s");
          }
          return migrate(vertx, connection).eventually(() ->
              connection.preparedQuery("SELECT RELEASE_LOCK(?)").execute(Tuple.of(lockName)));
        }));
  }

  private static Future<Void> migrate(Vertx vertx, SqlConnection connection) {
    return connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version INT NOT NULL PRIMARY KEY,
              name VARCHAR(200) NOT NULL,
              checksum CHAR(64) NOT NULL,
              applied_at BIGINT NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""").execute()
        .compose(created -> connection.query("SELECT version, checksum FROM schema_migrations").execute())
        .compose(rows -> {
          Map<Integer, String> applied = new HashMap<>();
          for (Row row : rows) {
            applied.put(row.getInteger("version"), row.getString("checksum"));
          }
          Future<Void> chain = Future.succeededFuture();
          for (String file : FILES) {
            chain = chain.compose(previous -> applyOne(vertx, connection, file, applied));
          }
          return chain;
        });
  }

  private static Future<Void> applyOne(Vertx vertx, SqlConnection connection, String file,
      Map<Integer, String> applied) {
    int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
    return vertx.executeBlocking(() -> read(file)).compose(content -> {
      String checksum = sha256(content);
      String known = applied.get(version);
      if (known != null) {
        return known.equals(checksum) ? Future.succeededFuture()
            : Future.failedFuture("schema migration " + file + " was changed after it was applied");
      }
      Future<Void> chain = Future.succeededFuture();
      for (String statement : statements(content.toString(StandardCharsets.UTF_8))) {
        chain = chain.compose(previous -> connection.query(statement).execute().<Void>mapEmpty()
            .recover(failure -> failure instanceof MySQLException sql && (sql.getErrorCode() == DUPLICATE_KEY_NAME
                || sql.getErrorCode() == DUPLICATE_COLUMN_NAME)
                ? Future.succeededFuture() : Future.failedFuture(failure)));
      }
      return chain
          .compose(done -> connection
              .preparedQuery("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)")
              .execute(Tuple.of(version, file, checksum, System.currentTimeMillis())))
          .onSuccess(done -> LOG.info("applied schema migration {}", file))
          .mapEmpty();
    });
  }

  /** Statements are separated by a semicolon at the end of a line; lines starting with "--" are comments. */
  static List<String> statements(String sql) {
    StringBuilder withoutComments = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    return Arrays.stream(withoutComments.toString().split(";\\s*\n"))
        .map(String::strip)
        .filter(statement -> !statement.isEmpty())
        .toList();
  }

  private static Buffer read(String file) throws IOException {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/" + file)) {
      if (in == null) {
        throw new FileNotFoundException("schema migration db/" + file + " is missing from the build");
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  private static String sha256(Buffer content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes()));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
