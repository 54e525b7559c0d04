package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.contract.Addresses;
import dev.parley.contract.StreamActions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The relay prunes published outbox rows older than events.retentionHours and says how far (HEAD prunedUpTo). */
class OutboxRetentionTest {

  private static PersistenceFixture fixture;

  @BeforeAll
  static void deploy() {
    JsonObject config = TestConfig.config();
    config.getJsonObject("events").put("retentionHours", 1).put("pruneIntervalMs", 200);
    fixture = PersistenceFixture.deploy(config, 1);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void oldPublishedEventsArePrunedAndTheBoundaryIsStored() {
    List<String> users = fixture.users(1);
    String room = fixture.room(users);
    long roomId = Long.parseLong(room);
    long twoHoursAgo = System.currentTimeMillis() - 2 * 3_600_000L;
    for (int seq = 1; seq <= 3; seq++) {
      Await.result(fixture.db().preparedQuery("INSERT INTO messages (room_id, seq, sender_id, client_msg_id, text,"
              + " created_at) VALUES (?, ?, ?, ?, 'old', ?)")
          .execute(Tuple.of(roomId, seq, Long.parseLong(users.get(0)), "old" + seq, twoHoursAgo)));
      Await.result(Outbox.append(fixture.db(), roomId, seq, Outbox.CREATED, twoHoursAgo));
    }
    Await.result(fixture.db().preparedQuery("UPDATE rooms SET last_seq = 3 WHERE id = ?").execute(Tuple.of(roomId)));
    Await.result(fixture.send(room, users.get(0), "new", "recent"));
    long recentId = rows("SELECT MAX(id) AS id FROM message_events").get(0).getLong("id");

    long deadline = System.currentTimeMillis() + 15_000;
    JsonObject head = head();
    while (head.getLong("prunedUpTo") < recentId - 1 && System.currentTimeMillis() < deadline) {
      Await.result(fixture.vertx.timer(100));
      head = head();
    }
    assertThat(head.getLong("prunedUpTo")).isEqualTo(recentId - 1);
    assertThat(head.getLong("minId")).isEqualTo(recentId);
    assertThat(rows("SELECT seq FROM message_events WHERE room_id = ?", roomId))
        .extracting(row -> row.getLong("seq")).containsExactly(4L);
    assertThat(rows("SELECT COUNT(*) AS n FROM messages WHERE room_id = ?", roomId).get(0).getLong("n"))
        .as("only the outbox is pruned, never messages").isEqualTo(4L);
  }

  private static JsonObject head() {
    return Await.result(fixture.vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_EVENTS, new JsonObject(),
        new DeliveryOptions().addHeader(Addresses.ACTION, StreamActions.HEAD))).body();
  }

  private static List<Row> rows(String sql, Object... args) {
    List<Row> result = new ArrayList<>();
    Await.result(fixture.db().preparedQuery(sql).execute(Tuple.from(args))).forEach(result::add);
    return result;
  }
}
