package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.Settings;
import dev.parley.common.testing.Await;
import dev.parley.contract.SendMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What one group-commit batch of root-less sends costs MariaDB, independent of CPU load: the session's Com_,
 * Handler_ and byte counters around a fixed number of batches on one pooled connection, and the messages
 * table's secondary-index bytes per row. Prints them ({@code PROBE} lines; {@code -DsendRounds=400} for index
 * sizes that are not a page or two) and holds the statement counts: BEGIN, lock rooms, members, INSERT messages,
 * advance rooms, advance markers, INSERT outbox, COMMIT; no ban, attachment or thread statement without need.
 */
class SendStatementsTest {

  static final int ROOMS = 10;
  static final int SENDERS = 5;
  static final int ROUNDS = Integer.getInteger("sendRounds", 20);

  @Test
  void aBatchOfRootlessSendsIsEightStatements() {
    PersistenceFixture fixture = PersistenceFixture.deploy(1);
    try {
      Vertx vertx = fixture.vertx;
      List<long[]> pairs = new ArrayList<>();
      for (int r = 0; r < ROOMS; r++) {
        List<String> users = fixture.users(SENDERS);
        String room = fixture.room(users);
        users.forEach(user -> pairs.add(new long[] {Long.parseLong(room), Long.parseLong(user)}));
      }
      MysqlConfig mysql = MysqlConfig.from(Settings.of(fixture.config));
      Pool one = mysql.pool(vertx, mysql.database(), 1);
      SendBatcher batcher = new SendBatcher(vertx, one, SendConfig.from(Settings.of(fixture.config)),
          new BatchMetrics(dev.parley.common.Meters.registry()));
      round(vertx, batcher, pairs, -1); // warm-up: prepares the statements
      Map<String, Long> before = status(one);
      Map<String, Long> again = status(one);
      for (int i = 0; i < ROUNDS; i++) {
        round(vertx, batcher, pairs, i);
      }
      Map<String, Long> after = status(one);
      Map<String, Long> perBatch = new TreeMap<>();
      after.forEach((name, value) -> perBatch.put(name, (value - 2 * again.getOrDefault(name, 0L)
          + before.getOrDefault(name, 0L)) / ROUNDS));
      assertThat(perBatch.get("Questions")).as("statements per batch").isEqualTo(8L);
      assertThat(perBatch.get("Com_stmt_execute")).as("prepared statements per batch").isEqualTo(5L);
      assertThat(perBatch.get("Handler_write")).as("rows written per batch: message and outbox row per send")
          .isEqualTo(2L * pairs.size());
      long sends = (long) ROUNDS * pairs.size();
      System.out.printf("PROBE %d batches of %d sends (%d rooms x %d senders)%n", ROUNDS, pairs.size(), ROOMS, SENDERS);
      after.forEach((name, value) -> {
        long overhead = again.getOrDefault(name, 0L) - before.getOrDefault(name, 0L);
        long delta = value - again.getOrDefault(name, 0L) - overhead;
        if (delta != 0) {
          System.out.printf("PROBE %-32s per batch %8.2f  per send %7.3f%n", name, delta / (double) ROUNDS,
              delta / (double) sends);
        }
      });
      Await.result(one.query("ANALYZE TABLE messages").execute());
      Row size = Await.result(one.query("SELECT DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES"
          + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'messages'").execute()).iterator().next();
      System.out.printf("PROBE messages after %d rows: data %d bytes, secondary indexes %d bytes (%.1f per row)%n",
          sends + pairs.size(), size.getLong(0), size.getLong(1), size.getLong(1) / (double) (sends + pairs.size()));
    } finally {
      fixture.close();
    }
  }

  private static void round(Vertx vertx, SendBatcher batcher, List<long[]> pairs, int round) {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(ignored -> {
      List<Future<?>> sends = new ArrayList<>();
      for (long[] pair : pairs) {
        String id = "p" + round + "-" + pair[1];
        sends.add(batcher.submit(new SendMessage(String.valueOf(pair[0]), String.valueOf(pair[1]), id,
            "probe message " + id, null), pair[0], pair[1]));
      }
      Future.all(sends).<Void>mapEmpty().onComplete(done);
    });
    Await.result(done.future());
  }

  private static Map<String, Long> status(Pool pool) {
    Map<String, Long> values = new TreeMap<>();
    for (Row row : Await.result(pool.query("SHOW SESSION STATUS WHERE Variable_name LIKE 'Com\\_%'"
        + " OR Variable_name LIKE 'Handler\\_%' OR Variable_name IN ('Questions', 'Bytes_sent', 'Bytes_received')")
        .execute())) {
      try {
        values.put(row.getString(0), Long.parseLong(row.getString(1)));
      } catch (NumberFormatException ignored) {
        // not a counter
      }
    }
    return values;
  }
}
