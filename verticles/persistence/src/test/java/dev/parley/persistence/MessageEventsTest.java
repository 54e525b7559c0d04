package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.Addresses;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.MessageEvents;
import dev.parley.contract.RoomActions;
import dev.parley.contract.StreamActions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outbox (message_events) and its relay to the event bus, against the real MariaDB (Kafka off). */
class MessageEventsTest {

  private static PersistenceFixture fixture;
  private static final List<MessageEvent> relayed = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void deploy() {
    // Two instances: both try to relay, one holds the lock; every event must still be published once.
    fixture = PersistenceFixture.deploy(2);
    MessageConsumer<MessageEvents> consumer = fixture.vertx.eventBus().consumer(Addresses.MESSAGE_EVENTS,
        message -> relayed.addAll(message.body().events()));
    Await.result(consumer.completion());
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void sendsEditsAndDeletesWriteTheirEventsInTheSameTransaction() {
    List<String> users = fixture.users(3);
    String room = fixture.room(users.subList(0, 2));
    for (int i = 1; i <= 3; i++) {
      Await.result(fixture.send(room, users.get(0), "c" + i, "text " + i));
    }
    Await.result(fixture.messages(RoomActions.EDIT, new JsonObject().put("userId", users.get(0)).put("roomId", room)
        .put("seq", 2).put("text", "text 2 edited")));
    Await.result(fixture.messages(RoomActions.DELETE_MESSAGE, new JsonObject().put("userId", users.get(0))
        .put("roomId", room).put("seq", 3)));
    // Refused changes write nothing: a non-member's send, a second delete, an edit by someone else.
    Await.failure(fixture.send(room, users.get(2), "x", "not a member"));
    Await.result(fixture.messages(RoomActions.DELETE_MESSAGE, new JsonObject().put("userId", users.get(0))
        .put("roomId", room).put("seq", 3)).recover(gone -> Future.succeededFuture()));
    Await.failure(fixture.messages(RoomActions.EDIT, new JsonObject().put("userId", users.get(1)).put("roomId", room)
        .put("seq", 1).put("text", "not mine")));

    List<Row> rows = rows("SELECT seq, kind FROM message_events WHERE room_id = ? ORDER BY id", Long.parseLong(room));
    assertThat(rows).extracting(row -> row.getLong("seq") + " " + row.getString("kind"))
        .containsExactly("1 created", "2 created", "3 created", "2 edited", "3 deleted");

    List<MessageEvent> events = read(new JsonObject().put("after", 0).put("limit", 2000)).stream()
        .filter(event -> event.roomId().equals(room)).toList();
    assertThat(events).hasSize(5);
    // Each event carries the message as stored now: seq 2's creation already shows the edit, seq 3 is gone.
    MessageEvent created2 = events.get(1);
    assertThat(created2.kind()).isEqualTo(MessageEvent.CREATED);
    assertThat(created2.text()).isEqualTo("text 2 edited");
    assertThat(created2.editedAt()).isNotNull();
    assertThat(created2.senderId()).isEqualTo(users.get(0));
    assertThat(created2.roomKind()).isEqualTo("group");
    assertThat(events.get(2).deleted()).isTrue();
    assertThat(events.get(2).text()).isNull();
    assertThat(events.get(4).kind()).isEqualTo(MessageEvent.DELETED);
  }

  @Test
  void theRelayPublishesEveryEventOnceInIdOrder() {
    List<String> users = fixture.users(5);
    String room = fixture.room(users);
    List<Future<?>> sends = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sends.add(fixture.send(room, users.get(i % users.size()), "r" + i, "relay " + i));
    }
    Await.result(Future.all(sends));

    List<MessageEvent> mine = awaitRelayed(event -> event.roomId().equals(room), 100);
    assertThat(mine).extracting(MessageEvent::id).isSorted().doesNotHaveDuplicates();
    assertThat(mine).extracting(MessageEvent::seq).containsExactlyInAnyOrderElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
    assertThat(mine).allSatisfy(event -> assertThat(event.text()).startsWith("relay "));
  }

  @Test
  void anEventThatCommitsAfterHigherIdsIsStillPublished() {
    List<String> users = fixture.users(2);
    String room = fixture.room(users);
    long roomId = Long.parseLong(room);
    SqlConnection connection = Await.result(fixture.db().getConnection());
    try {
      // A transaction that takes its outbox id now and commits only after later sends were relayed.
      Transaction slow = Await.result(connection.begin());
      Await.result(connection.preparedQuery("INSERT INTO messages (room_id, seq, sender_id, client_msg_id, text,"
              + " created_at) VALUES (?, 900, ?, 'slow', 'committed late', ?)")
          .execute(Tuple.of(roomId, Long.parseLong(users.get(0)), System.currentTimeMillis())));
      Await.result(Outbox.append(connection, roomId, 900, Outbox.CREATED, System.currentTimeMillis()));
      for (int i = 1; i <= 3; i++) {
        Await.result(fixture.send(room, users.get(1), "fast" + i, "fast " + i));
      }
      awaitRelayed(event -> event.roomId().equals(room) && event.seq() <= 3, 3);

      Await.result(slow.commit());
      MessageEvent late = awaitRelayed(event -> event.roomId().equals(room) && event.seq() == 900, 1).get(0);
      assertThat(late.text()).isEqualTo("committed late");
      assertThat(late.id()).isLessThan(relayed.stream().filter(event -> event.roomId().equals(room)
          && event.seq() == 1).findFirst().orElseThrow().id());
    } finally {
      connection.close();
    }
    // The relay's stored position moves past everything once the gap is closed.
    long maxId = rows("SELECT MAX(id) AS max_id FROM message_events WHERE room_id = ?", roomId).get(0).getLong("max_id");
    long deadline = System.currentTimeMillis() + 10_000;
    long cursor = 0;
    while (System.currentTimeMillis() < deadline) {
      List<Row> stored = rows("SELECT position FROM stream_cursors WHERE name = 'relay'");
      cursor = stored.isEmpty() ? 0 : stored.get(0).getLong("position");
      if (cursor >= maxId) {
        break;
      }
      Await.result(fixture.vertx.timer(50));
    }
    assertThat(cursor).isGreaterThanOrEqualTo(maxId);
  }

  @Test
  void consumersReadRangesHeadScanAndKeepCursors() {
    List<String> users = fixture.users(1);
    String room = fixture.room(users);
    for (int i = 1; i <= 5; i++) {
      Await.result(fixture.send(room, users.get(0), "s" + i, "scan " + i));
    }
    Await.result(fixture.messages(RoomActions.DELETE_MESSAGE, new JsonObject().put("userId", users.get(0))
        .put("roomId", room).put("seq", 4)));

    JsonObject head = request(StreamActions.HEAD, new JsonObject());
    List<MessageEvent> all = read(new JsonObject().put("after", 0).put("limit", 2000));
    assertThat(head.getLong("maxId")).isEqualTo(all.get(all.size() - 1).id());
    assertThat(head.getLong("minId")).isEqualTo(all.get(0).id());

    List<MessageEvent> mine = all.stream().filter(event -> event.roomId().equals(room)).toList();
    long first = mine.get(0).id();
    List<MessageEvent> ranged = read(new JsonObject().put("ranges", new JsonArray()
        .add(new JsonArray().add(first).add(first)).add(new JsonArray().add(first + 2).add(first + 3))));
    assertThat(ranged).extracting(MessageEvent::id).containsExactly(first, first + 2, first + 3);

    // The scan for rebuilds: stored messages that are not deleted, in (room, seq) order, paged.
    long roomId = Long.parseLong(room);
    List<Long> scanned = new ArrayList<>();
    long afterSeq = 0;
    while (true) {
      JsonArray page = request(StreamActions.SCAN, new JsonObject().put("afterRoom", roomId).put("afterSeq", afterSeq)
          .put("limit", 2)).getJsonArray("messages");
      List<JsonObject> inRoom = page.stream().map(JsonObject.class::cast)
          .filter(message -> message.getString("roomId").equals(room)).toList();
      inRoom.forEach(message -> scanned.add(message.getLong("seq")));
      if (inRoom.size() < 2) {
        break;
      }
      afterSeq = inRoom.get(inRoom.size() - 1).getLong("seq");
    }
    assertThat(scanned).containsExactly(1L, 2L, 3L, 5L);

    String name = "test-" + room;
    assertThat(request(StreamActions.CURSOR_GET, new JsonObject().put("name", name)).getLong("position")).isZero();
    assertThat(request(StreamActions.CURSOR_SET, new JsonObject().put("name", name).put("position", 10))
        .getLong("position")).isEqualTo(10);
    assertThat(request(StreamActions.CURSOR_SET, new JsonObject().put("name", name).put("position", 5))
        .getLong("position")).as("never moves back").isEqualTo(10);
    assertThat(Await.failure(fixture.vertx.eventBus().request(Addresses.PERSISTENCE_EVENTS,
        new JsonObject().put("after", 0).put("limit", 0),
        new DeliveryOptions().addHeader(Addresses.ACTION, StreamActions.READ))).getMessage()).contains("limit");
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static List<MessageEvent> read(JsonObject request) {
    return MessageEvents.list(request(StreamActions.READ, request).getJsonArray("events"));
  }

  private static JsonObject request(String action, JsonObject body) {
    return Await.result(fixture.vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_EVENTS, body,
        new DeliveryOptions().addHeader(Addresses.ACTION, action))).body();
  }

  private static List<MessageEvent> awaitRelayed(Predicate<MessageEvent> which, int count) {
    long deadline = System.currentTimeMillis() + 15_000;
    List<MessageEvent> found = List.of();
    while (System.currentTimeMillis() < deadline) {
      found = relayed.stream().filter(which).toList();
      if (found.size() >= count) {
        break;
      }
      Await.result(fixture.vertx.timer(20));
    }
    assertThat(found).hasSize(count);
    return found;
  }

  private static List<Row> rows(String sql, Object... args) {
    List<Row> result = new ArrayList<>();
    Await.result(fixture.db().preparedQuery(sql).execute(Tuple.from(args))).forEach(result::add);
    return result;
  }
}
