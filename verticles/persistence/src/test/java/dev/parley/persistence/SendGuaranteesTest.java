package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The message guarantees of issue 4, against the real MariaDB: seq order, idempotency, kicks. */
class SendGuaranteesTest {

  private static PersistenceFixture one;
  private static PersistenceFixture two;

  @BeforeAll
  static void deploy() {
    one = PersistenceFixture.deploy(1);
    // A second Vert.x with two more instances on the same database: three writers racing for the same rooms.
    two = PersistenceFixture.deploy(one.config, 2);
  }

  @AfterAll
  static void close() {
    Await.result(two.vertx.close());
    one.close();
  }

  @ParameterizedTest(name = "{0} writer instance(s)")
  @ValueSource(ints = {1, 3})
  void concurrentSendersGetSeqsOneToAThousandInTheirOwnOrder(int writers) {
    List<String> senders = one.users(20);
    String room = one.room(senders);
    List<Future<List<ChatMessage>>> runs = new ArrayList<>();
    for (int s = 0; s < senders.size(); s++) {
      // With three writers, senders alternate between the two Vert.x instances (and their round-robin).
      PersistenceFixture via = writers == 1 || s % 2 == 0 ? one : two;
      runs.add(sendSequentially(via, room, senders.get(s), 50));
    }
    Await.result(Future.all(runs));

    List<Long> seqs = new ArrayList<>();
    for (Future<List<ChatMessage>> run : runs) {
      List<ChatMessage> acked = run.result();
      List<Long> own = acked.stream().map(ChatMessage::seq).toList();
      assertThat(own).as("a sender's seqs follow its send order").isSorted();
      seqs.addAll(own);
    }
    assertThat(seqs).hasSize(1000).doesNotHaveDuplicates();
    assertThat(seqs.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(1);
    assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(1000);

    List<Row> stored = rows("SELECT seq, sender_id, text FROM messages WHERE room_id = ? ORDER BY seq", room);
    assertThat(stored).hasSize(1000);
    for (int i = 0; i < stored.size(); i++) {
      assertThat(stored.get(i).getLong("seq")).isEqualTo(i + 1L);
    }
    assertThat(rows("SELECT last_seq FROM rooms WHERE id = ?", room).get(0).getLong("last_seq")).isEqualTo(1000L);
    // Every sender's texts appear in the order it sent them.
    Map<Long, Integer> lastIndex = new HashMap<>();
    for (Row row : stored) {
      int index = Integer.parseInt(row.getString("text").substring(row.getString("text").lastIndexOf('#') + 1));
      Integer previous = lastIndex.put(row.getLong("sender_id"), index);
      assertThat(previous == null ? -1 : previous).isLessThan(index);
    }
  }

  @Test
  void retriedSendReturnsTheOriginalMessage() {
    List<String> users = one.users(2);
    String room = one.room(users);

    Message<ChatMessage> first = Await.result(one.send(room, users.get(0), "retry-1", "hello"));
    Message<ChatMessage> again = Await.result(two.send(room, users.get(0), "retry-1", "hello"));
    // Concurrent duplicates land in the same batch: still one row.
    List<Future<Message<ChatMessage>>> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      burst.add(one.send(room, users.get(0), "retry-2", "burst"));
    }
    Await.result(Future.all(burst));

    assertThat(first.headers().get("created")).isEqualTo("true");
    assertThat(again.headers().get("created")).isEqualTo("false");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(burst.stream().map(f -> f.result().body().seq()).distinct()).containsExactly(2L);
    assertThat(burst.stream().filter(f -> "true".equals(f.result().headers().get("created")))).hasSize(1);
    assertThat(rows("SELECT COUNT(*) AS n FROM messages WHERE room_id = ?", room).get(0).getLong("n")).isEqualTo(2L);
    // The same clientMsgId from another sender is another message.
    assertThat(Await.result(one.send(room, users.get(1), "retry-1", "mine")).body().seq()).isEqualTo(3L);
  }

  @Test
  void kickedUserNeverGetsASeqAfterTheKickCommitted() {
    List<String> users = one.users(2);
    String owner = users.get(0);
    String kicked = users.get(1);
    String room = one.room(users);
    AtomicBoolean stop = new AtomicBoolean();
    List<ChatMessage> acked = new ArrayList<>();
    List<Throwable> refused = new ArrayList<>();
    Future<Void> sending = keepSending(room, kicked, 0, stop, acked, refused);

    // Let some of the kicked user's messages through, then kick.
    Await.result(waitUntil(() -> acked.size() >= 20));
    Await.result(one.rooms(RoomActions.REMOVE_MEMBER, new JsonObject().put("userId", users.get(0)).put("roomId", room).put("memberId", kicked)));
    long lastSeqAtKick = rows("SELECT last_seq FROM rooms WHERE id = ?", room).get(0).getLong("last_seq");
    Await.result(waitUntil(() -> refused.size() >= 5));
    stop.set(true);
    Await.result(sending);

    assertThat(acked).allSatisfy(message -> assertThat(message.seq()).isLessThanOrEqualTo(lastSeqAtKick));
    // The room is private: to someone who is no longer a member it does not exist.
    assertThat(refused).allSatisfy(failure ->
        assertThat(ParleyException.from(failure).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(rows("SELECT MAX(seq) AS m FROM messages WHERE room_id = ? AND sender_id = " + kicked, room)
        .get(0).getLong("m")).isLessThanOrEqualTo(lastSeqAtKick);
    // The room goes on for its members.
    assertThat(Await.result(one.send(room, owner, "after-kick", "still here")).body().seq())
        .isEqualTo(lastSeqAtKick + 1);
  }

  @Test
  void nonMembersAndUnknownRoomsAreRefused() {
    List<String> users = one.users(2);
    String room = one.room(users.subList(0, 1));
    String publicRoom = Await.<JsonObject>result(one.rooms(RoomActions.CREATE, new JsonObject()
        .put("userId", users.get(0)).put("name", "open").put("visibility", "public"))).getString("id");

    Throwable notMember = Await.failure(one.send(room, users.get(1), "x", "let me in"));
    Throwable notMemberOfPublic = Await.failure(one.send(publicRoom, users.get(1), "x", "let me in"));
    Throwable noRoom = Await.failure(one.send("999999999", users.get(0), "x", "anyone?"));
    Throwable badRoom = Await.failure(one.send("abc", users.get(0), "x", "anyone?"));

    assertThat(ParleyException.from(notMember).code()).as("private: invisible").isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(ParleyException.from(notMemberOfPublic).code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(ParleyException.from(noRoom).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(ParleyException.from(badRoom).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void invalidMessagesNameTheField() {
    List<String> users = one.users(1);
    String room = one.room(users);

    ParleyException empty = ParleyException.from(Await.failure(one.send(room, users.get(0), "e", "  \n ")));
    ParleyException tooLong = ParleyException.from(Await.failure(one.send(room, users.get(0), "l", "x".repeat(4001))));
    ParleyException noId = ParleyException.from(Await.failure(one.send(room, users.get(0), "", "hi")));

    assertThat(empty.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(empty.field()).isEqualTo("text");
    assertThat(tooLong.code()).isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(tooLong.field()).isEqualTo("text");
    assertThat(noId.field()).isEqualTo("clientMsgId");
    // 4000 characters, counted as characters: emoji are one each.
    assertThat(Await.result(one.send(room, users.get(0), "max", "😀".repeat(4000))).body().text()).hasSize(8000);
  }

  @Test
  void textIsStoredExactlyAsSent() {
    List<String> users = one.users(1);
    String room = one.room(users);
    String text = "  <script>alert('x')</script> '; DROP TABLE messages; -- 서버가 느려요 🚀\n\ttabs \\ \"quotes\"  ";

    ChatMessage sent = Await.result(one.send(room, users.get(0), "exact", text)).body();

    assertThat(sent.text()).isEqualTo(text);
    assertThat(rows("SELECT text FROM messages WHERE room_id = ?", room).get(0).getString("text")).isEqualTo(text);
  }

  private static Future<List<ChatMessage>> sendSequentially(PersistenceFixture via, String room, String sender, int count) {
    List<ChatMessage> acked = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int index = i;
      chain = chain.compose(previous -> via.send(room, sender, sender + "-" + index, "from " + sender + " #" + index)
          .map(reply -> {
            acked.add(reply.body());
            return null;
          }));
    }
    return chain.map(done -> acked);
  }

  private static Future<Void> keepSending(String room, String sender, int index, AtomicBoolean stop,
      List<ChatMessage> acked, List<Throwable> refused) {
    if (stop.get()) {
      return Future.succeededFuture();
    }
    return one.send(room, sender, "k-" + index, "message " + index)
        .map(reply -> acked.add(reply.body()))
        .otherwise(failure -> refused.add(failure))
        .compose(done -> keepSending(room, sender, index + 1, stop, acked, refused));
  }

  /** Polls a condition on the event loop every few ms, with a deadline. */
  private static Future<Void> waitUntil(java.util.function.BooleanSupplier condition) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + 20_000;
    one.vertx.setPeriodic(5, id -> {
      if (condition.getAsBoolean()) {
        one.vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        one.vertx.cancelTimer(id);
        done.tryFail("condition not met within 20 s");
      }
    });
    return done.future();
  }

  private static List<Row> rows(String sql, String roomId) {
    List<Row> rows = new ArrayList<>();
    Await.result(one.db().preparedQuery(sql).execute(Tuple.of(Long.parseLong(roomId)))).forEach(rows::add);
    return rows;
  }
}
