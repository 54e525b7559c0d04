package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.SendMessage;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A thread root's summary (issue 13) as replies are sent and deleted, against the real MariaDB. */
class ThreadSummaryTest {

  private static PersistenceFixture fixture;
  private static String owner;

  @BeforeAll
  static void deploy() {
    fixture = PersistenceFixture.deploy(1);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void deletedRepliesLeaveTheSummaryOfTheLiveOnesAndAnnounceIt() throws InterruptedException {
    List<String> users = fixture.users(3);
    String a = users.get(0);
    owner = a;
    String b = users.get(1);
    String c = users.get(2);
    String room = fixture.room(users);
    long root = send(room, a, "root", null).seq();
    ChatMessage fromA = send(room, a, "a1", root);
    ChatMessage fromB = send(room, b, "b1", root);
    ChatMessage againA = send(room, a, "a2", root);
    ChatMessage fromC = send(room, c, "c1", root);
    assertThat(summary(room, root)).isEqualTo(MessageRows.thread(4, fromC.ts(), new JsonArray(List.of(a, b, c))));

    LinkedBlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    MessageConsumer<RoomEvent> consumer = fixture.vertx.eventBus().<RoomEvent>consumer(Addresses.room(room), event -> {
      if (RoomEvent.THREAD_UPDATED.equals(event.body().type())) {
        events.add(new JsonObject(event.body().frame()));
      }
    });
    Await.result(consumer.completion());

    // B's only reply goes: B is no longer a participant; the last reply is still C's.
    delete(room, b, fromB.seq());
    JsonObject expected = MessageRows.thread(3, fromC.ts(), new JsonArray(List.of(a, c)));
    assertThat(summary(room, root)).isEqualTo(expected);
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject()
        .put("room", room).put("seq", root).put("thread", expected).put("type", RoomEvent.THREAD_UPDATED));

    // The last reply goes: the last reply time is A's second reply's.
    delete(room, c, fromC.seq());
    assertThat(summary(room, root)).isEqualTo(MessageRows.thread(2, againA.ts(), new JsonArray(List.of(a))));
    // A new reply counts on from the live ones.
    assertThat(events.poll(10, TimeUnit.SECONDS).getJsonObject("thread").getInteger("replies")).isEqualTo(2);
    ChatMessage fromBAgain = send(room, b, "b2", root);
    assertThat(summary(room, root)).isEqualTo(MessageRows.thread(3, fromBAgain.ts(), new JsonArray(List.of(a, b))));
    assertThat(events.poll(10, TimeUnit.SECONDS).getJsonObject("thread").getInteger("replies")).isEqualTo(3);

    // No live reply left: no summary, and the event says so with a null thread.
    delete(room, a, fromA.seq());
    delete(room, a, againA.seq());
    delete(room, b, fromBAgain.seq());
    assertThat(summary(room, root)).isNull();
    events.poll(10, TimeUnit.SECONDS);
    events.poll(10, TimeUnit.SECONDS);
    JsonObject last = events.poll(10, TimeUnit.SECONDS);
    assertThat(last.containsKey("thread")).isTrue();
    assertThat(last.getValue("thread")).isNull();
    assertThat(events).isEmpty();
    // The thread page still lists the tombstones in seq order.
    JsonObject page = Await.result(fixture.messages(RoomActions.THREAD,
        new JsonObject().put("userId", a).put("roomId", room).put("seq", root)));
    assertThat(page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList())
        .containsExactly(fromA.seq(), fromB.seq(), againA.seq(), fromC.seq(), fromBAgain.seq());
    Await.result(consumer.unregister());
  }

  @Test
  void concurrentDeletesInOneThreadAllGoThroughAndLeaveAnExactSummary() {
    List<String> users = fixture.users(4);
    owner = users.get(0);
    String room = fixture.room(users);
    long root = send(room, owner, "root", null).seq();
    List<ChatMessage> replies = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      replies.add(send(room, users.get(i % 4), "r" + i, root));
    }
    // Every other reply deleted at once by its author: they queue on the root instead of deadlocking.
    List<io.vertx.core.Future<Object>> deletes = new java.util.ArrayList<>();
    for (int i = 0; i < replies.size(); i += 2) {
      ChatMessage reply = replies.get(i);
      deletes.add(fixture.messages(RoomActions.DELETE_MESSAGE, new JsonObject().put("userId", reply.senderId())
          .put("roomId", room).put("seq", reply.seq())));
    }
    Await.result(io.vertx.core.Future.all(deletes));
    // Users 0 and 2 wrote the even replies only: they are out; the last live reply is the 40th.
    assertThat(summary(room, root)).isEqualTo(MessageRows.thread(20, replies.get(39).ts(),
        new JsonArray(List.of(users.get(1), users.get(3)))));
  }

  private static ChatMessage send(String room, String sender, String text, Long threadRoot) {
    return Await.result(fixture.vertx.eventBus().<ChatMessage>request(Addresses.PERSISTENCE_SEND,
            new SendMessage(room, sender, text, text, null, List.of(), threadRoot, false), new DeliveryOptions())
        .map(Message::body));
  }

  private static void delete(String room, String user, long seq) {
    Await.result(fixture.messages(RoomActions.DELETE_MESSAGE,
        new JsonObject().put("userId", user).put("roomId", room).put("seq", seq)));
  }

  /** The root's {@code thread} as history shows it (null when it has none). */
  private static JsonObject summary(String room, long root) {
    JsonObject page = Await.result(fixture.messages(RoomActions.HISTORY, new JsonObject()
        .put("userId", owner).put("roomId", room).put("limit", 200)));
    return page.getJsonArray("messages").stream().map(JsonObject.class::cast)
        .filter(message -> message.getLong("seq") == root).findFirst().orElseThrow().getJsonObject("thread");
  }
}
