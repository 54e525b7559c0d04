package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.common.testing.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reactions, threads, pins and read receipts (issue 13, CONTRACT.md v1.1) through a real node on MariaDB: REST,
 * the events on the WebSocket and the SockJS bridge, history and resume, thread notifications through the notifier.
 */
class ReactionsThreadsApiTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static Node node;
  private static Vertx client;
  private static ApiClient api;
  private static WebSocketClient sockets;
  private static int socketPort;

  @BeforeAll
  static void start() {
    node = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"},
         {"verticle": "notifier"}]""", ENV);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
    sockets = TestSocket.client(client);
    socketPort = Integer.parseInt(ENV.get("PARLEY_SOCKET_PORT"));
    // A first notifier follows the stream from its end: wait until it knows where that is.
    api.await(() -> Await.result(api.web.get(Integer.parseInt(ENV.get("PARLEY_MANAGEMENT_PORT")), "127.0.0.1",
        "/ready").send()).statusCode(), status -> status == 200, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    Await.result(node.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(client.close());
  }

  // --- reactions ---------------------------------------------------------------------------------------------

  @Test
  void racingTheSameReactionStoresOneRowPerUser() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    String room = api.room(alice, "private", bob);
    long seq = api.send(alice, room, "react to me").getLong("seq");

    List<Future<HttpResponse<Buffer>>> racing = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      racing.add(reactAsync(HttpMethod.PUT, alice, room, seq, "👍"));
      racing.add(reactAsync(HttpMethod.PUT, bob, room, seq, "👍"));
    }
    Await.result(Future.all(racing));
    racing.forEach(response -> assertThat(response.result().statusCode()).isEqualTo(204));

    JsonArray reactions = message(alice, room, seq).getJsonArray("reactions");
    assertThat(reactions).hasSize(1);
    JsonObject thumbs = reactions.getJsonObject(0);
    assertThat(thumbs.getString("emoji")).isEqualTo("👍");
    assertThat(thumbs.getLong("count")).isEqualTo(2L);
    assertThat(thumbs.getJsonArray("users").getList()).containsExactlyInAnyOrder(alice.id(), bob.id());
  }

  @Test
  void addRemoveAddAndThreadUpdatesReachTheWebSocketAndTheBridgeInOrder() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    String room = api.room(alice, "private", bob);
    long seq = api.send(alice, room, "hello").getLong("seq");
    TestSocket ws = TestSocket.ready(sockets, socketPort, bob.token());
    TestSocket bridge = bridge(bob, room);

    assertThat(react(HttpMethod.PUT, alice, room, seq, "🎉").statusCode()).isEqualTo(204);
    assertThat(react(HttpMethod.PUT, alice, room, seq, "🎉").statusCode()).as("idempotent").isEqualTo(204);
    assertThat(react(HttpMethod.DELETE, alice, room, seq, "🎉").statusCode()).isEqualTo(204);
    assertThat(react(HttpMethod.DELETE, alice, room, seq, "🎉").statusCode()).as("idempotent").isEqualTo(204);
    assertThat(react(HttpMethod.PUT, alice, room, seq, "🎉").statusCode()).isEqualTo(204);

    for (String op : new String[] {"add", "remove", "add"}) {
      JsonObject event = ws.next("reaction");
      assertThat(event.getString("room")).isEqualTo(room);
      assertThat(event.getLong("seq")).isEqualTo(seq);
      assertThat(event.getString("emoji")).isEqualTo("🎉");
      assertThat(event.getString("userId")).isEqualTo(alice.id());
      assertThat(event.getString("op")).isEqualTo(op);
      JsonObject relayed = bridgeEvent(bridge, room, "reaction");
      assertThat(relayed.getString("op")).isEqualTo(op);
    }
    assertThat(ws.quietFor("reaction", Duration.ofMillis(300))).as("repeats announce nothing").isTrue();
    assertThat(message(bob, room, seq).getJsonArray("reactions").getJsonObject(0).getLong("count")).isEqualTo(1L);

    // A reply in a thread: the message, then the root's thread.updated, on both transports.
    assertThat(sendInThread(alice, room, seq, "in a thread").statusCode()).isEqualTo(201);
    JsonObject reply = ws.next(frame -> "message".equals(frame.getString("type"))
        && "in a thread".equals(frame.getString("text")), Duration.ofSeconds(5));
    assertThat(reply.getLong("threadRoot")).isEqualTo(seq);
    JsonObject updated = ws.next("thread.updated");
    assertThat(updated.getLong("seq")).isEqualTo(seq);
    assertThat(updated.getJsonObject("thread").getInteger("replies")).isEqualTo(1);
    assertThat(updated.getJsonObject("thread").getJsonArray("participants").getList()).containsExactly(alice.id());
    assertThat(bridge.next(frame -> "rec".equals(frame.getString("type"))
        && "in a thread".equals(frame.getJsonObject("body").getString("text")), Duration.ofSeconds(5))
        .getJsonObject("body").getLong("threadRoot")).isEqualTo(seq);
    assertThat(bridgeEvent(bridge, room, "thread.updated").getJsonObject("thread").getInteger("replies")).isEqualTo(1);
    assertThat(message(bob, room, seq).getJsonObject("thread").getInteger("replies")).isEqualTo(1);

    // Deleting the reply takes it off the root's summary: no live reply left, no summary, thread.updated says so.
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/" + reply.getLong("seq"), alice, null)
        .statusCode()).isEqualTo(204);
    JsonObject emptied = ws.next("thread.updated");
    assertThat(emptied.getLong("seq")).isEqualTo(seq);
    assertThat(emptied.containsKey("thread") && emptied.getValue("thread") == null).as(emptied.encode()).isTrue();
    assertThat(bridgeEvent(bridge, room, "thread.updated").getValue("thread")).isNull();
    assertThat(message(bob, room, seq).containsKey("thread")).isFalse();
    ws.close();
    bridge.close();
  }

  @Test
  void theTwentyFirstReactionOfAUserIsRefusedAndBadEmojiAre400() {
    ApiClient.User alice = api.register();
    String room = api.room(alice, "private");
    long seq = api.send(alice, room, "many").getLong("seq");
    String[] emoji = {"😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰", "😗",
        "😙", "🥲", "😚", ":custom_one:", "🙂"};
    for (int i = 0; i < 20; i++) {
      assertThat(react(HttpMethod.PUT, alice, room, seq, emoji[i]).statusCode()).as(emoji[i]).isEqualTo(204);
    }
    ApiClient.assertError(react(HttpMethod.PUT, alice, room, seq, emoji[20]), 400, "bad_request", "emoji");
    // A reaction already there is still idempotent at the limit.
    assertThat(react(HttpMethod.PUT, alice, room, seq, emoji[0]).statusCode()).isEqualTo(204);
    assertThat(message(alice, room, seq).getJsonArray("reactions")).hasSize(20);

    for (String bad : new String[] {"hello", "👍👍", "<b>", ":Bad:", "👍 x"}) {
      ApiClient.assertError(react(HttpMethod.PUT, alice, room, seq, bad), 400, "bad_request", "emoji");
    }
    ApiClient.assertError(react(HttpMethod.PUT, alice, room, 99, "👍"), 404, "not_found", null);
  }

  @Test
  void outsidersCannotReactPinOrRead() {
    ApiClient.User owner = api.register();
    ApiClient.User outsider = api.register();
    String open = api.room(owner, "public");
    String closed = api.room(owner, "private");
    long openSeq = api.send(owner, open, "public hello").getLong("seq");
    long closedSeq = api.send(owner, closed, "private hello").getLong("seq");

    ApiClient.assertError(react(HttpMethod.PUT, outsider, open, openSeq, "👍"), 403, "forbidden", null);
    ApiClient.assertError(react(HttpMethod.PUT, outsider, closed, closedSeq, "👍"), 404, "not_found", null);
    ApiClient.assertError(api.call(HttpMethod.PUT, "/rooms/" + open + "/pins/" + openSeq, outsider, null),
        403, "forbidden", null);
    ApiClient.assertError(api.call(HttpMethod.PUT, "/rooms/" + closed + "/pins/" + closedSeq, outsider, null),
        404, "not_found", null);
    ApiClient.assertError(api.get("/rooms/" + closed + "/messages/" + closedSeq + "/thread", outsider),
        404, "not_found", null);
    ApiClient.assertError(api.get("/rooms/" + closed + "/messages/" + closedSeq + "/readers", outsider),
        404, "not_found", null);
    ApiClient.assertError(api.get("/rooms/" + closed + "/pins", outsider), 404, "not_found", null);
    ApiClient.assertError(sendInThread(outsider, open, openSeq, "x"), 403, "forbidden", null);
  }

  // --- threads -----------------------------------------------------------------------------------------------

  @Test
  void aHundredConcurrentRepliesLeaveAnExactSummaryAndGapFreeSeqs() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    ApiClient.User carol = api.register();
    String room = api.room(alice, "private", bob, carol);
    long root = api.send(alice, room, "the root").getLong("seq");
    TestSocket ws = TestSocket.ready(sockets, socketPort, alice.token());

    List<Future<HttpResponse<Buffer>>> replies = new ArrayList<>();
    ApiClient.User[] senders = {bob, carol};
    for (int i = 0; i < 100; i++) {
      replies.add(sendInThreadAsync(senders[i % 2], room, root, "reply " + i));
    }
    Await.result(Future.all(replies), Duration.ofMinutes(2));
    Set<Long> seqs = new HashSet<>();
    for (Future<HttpResponse<Buffer>> reply : replies) {
      assertThat(reply.result().statusCode()).as(reply.result().bodyAsString()).isEqualTo(201);
      JsonObject message = reply.result().bodyAsJsonObject();
      assertThat(message.getLong("threadRoot")).isEqualTo(root);
      seqs.add(message.getLong("seq"));
    }
    assertThat(seqs).hasSize(100).allMatch(seq -> seq > root && seq <= root + 100);

    JsonObject thread = message(alice, room, root).getJsonObject("thread");
    assertThat(thread.getInteger("replies")).isEqualTo(100);
    assertThat(thread.getJsonArray("participants").getList()).containsExactlyInAnyOrder(bob.id(), carol.id());
    long lastTs = replies.stream().mapToLong(reply -> reply.result().bodyAsJsonObject().getLong("ts")).max().orElseThrow();
    assertThat(thread.getLong("lastReplyTs")).isEqualTo(lastTs);
    JsonObject lastUpdate = null;
    for (int i = 0; i < 100 && (lastUpdate == null || lastUpdate.getJsonObject("thread").getInteger("replies") < 100);
        i++) {
      lastUpdate = ws.next("thread.updated");
      assertThat(lastUpdate.getLong("seq")).isEqualTo(root);
    }
    assertThat(lastUpdate.getJsonObject("thread").getInteger("replies")).isEqualTo(100);

    // Paging the thread: 100 replies in ascending seq, 30 at a time.
    List<Long> paged = new ArrayList<>();
    long after = 0;
    boolean more = true;
    while (more) {
      JsonObject page = api.get("/rooms/" + room + "/messages/" + root + "/thread?limit=30&after=" + after, bob)
          .bodyAsJsonObject();
      page.getJsonArray("messages").forEach(message -> paged.add(((JsonObject) message).getLong("seq")));
      more = page.getBoolean("hasMore");
      after = paged.get(paged.size() - 1);
    }
    assertThat(paged).hasSize(100).isSorted().containsExactlyInAnyOrderElementsOf(seqs);
    ApiClient.assertError(api.get("/rooms/" + room + "/messages/" + root + "/thread?limit=0", bob),
        400, "bad_request", "limit");
    ws.close();
  }

  @Test
  void aReplyToAReplyOrToNothingIsRefused() {
    ApiClient.User alice = api.register();
    String room = api.room(alice, "private");
    long root = api.send(alice, room, "root").getLong("seq");
    HttpResponse<Buffer> reply = sendInThread(alice, room, root, "in the thread");
    assertThat(reply.statusCode()).isEqualTo(201);
    long replySeq = reply.bodyAsJsonObject().getLong("seq");

    ApiClient.assertError(sendInThread(alice, room, replySeq, "nested"), 400, "bad_request", "threadRoot");
    ApiClient.assertError(sendInThread(alice, room, 999, "nowhere"), 400, "bad_request", "threadRoot");
    ApiClient.assertError(sendInThread(alice, room, 0, "zero"), 400, "bad_request", "threadRoot");
    ApiClient.assertError(api.get("/rooms/" + room + "/messages/" + replySeq + "/thread", alice),
        404, "not_found", null);
    // The refused sends took no seq: the next message follows the reply.
    assertThat(api.send(alice, room, "next").getLong("seq")).isEqualTo(replySeq + 1);

    // Over the WebSocket the same rules, and the reply gets its ack.
    TestSocket ws = TestSocket.ready(sockets, socketPort, alice.token());
    ws.send(new JsonObject().put("type", "send").put("id", "w1").put("room", room).put("text", "ws nested")
        .put("threadRoot", replySeq));
    JsonObject error = ws.next("error");
    assertThat(error.getString("id")).isEqualTo("w1");
    assertThat(error.getString("code")).isEqualTo("bad_request");
    ws.send(new JsonObject().put("type", "send").put("id", "w2").put("room", room).put("text", "ws reply")
        .put("threadRoot", root));
    assertThat(ws.next("ack").getString("id")).isEqualTo("w2");
    assertThat(message(alice, room, root).getJsonObject("thread").getInteger("replies")).isEqualTo(2);
    ws.close();
  }

  @Test
  void resumeReplaysThreadRepliesInRoomOrderWithTheirFields() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    String room = api.room(alice, "private", bob);
    long root = api.send(alice, room, "root").getLong("seq");
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<Buffer> sent = i % 2 == 0 ? sendInThread(alice, room, root, "reply " + i)
          : api.call(HttpMethod.POST, "/rooms/" + room + "/messages", alice, new JsonObject()
              .put("clientMsgId", UUID.randomUUID().toString()).put("text", "plain " + i));
      expected.add(sent.bodyAsJsonObject().getLong("seq"));
    }
    TestSocket ws = TestSocket.connect(sockets, socketPort, "/ws?token=" + bob.token(), null);
    ws.next("ready");
    ws.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, root)));
    for (int i = 0; i < expected.size(); i++) {
      JsonObject message = ws.next("message");
      assertThat(message.getLong("seq")).isEqualTo(expected.get(i));
      if (i % 2 == 0) {
        assertThat(message.getLong("threadRoot")).isEqualTo(root);
      } else {
        assertThat(message.containsKey("threadRoot")).isFalse();
      }
    }
    JsonObject resumed = ws.next("resumed");
    assertThat(resumed.getJsonObject("rooms").getJsonObject(room).getBoolean("recovered")).isTrue();
    // History shows the root's summary and the replies' root.
    JsonArray history = api.get("/rooms/" + room + "/messages", bob).bodyAsJsonObject().getJsonArray("messages");
    assertThat(history.getJsonObject(0).getJsonObject("thread").getInteger("replies")).isEqualTo(3);
    assertThat(history.getJsonObject(1).getLong("threadRoot")).isEqualTo(root);
    ws.close();
  }

  @Test
  void threadParticipantsAreNotifiedUnlessTheyMutedTheRoom() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    ApiClient.User carol = api.register();
    ApiClient.User dave = api.register();
    String room = api.room(alice, "private", bob, carol, dave);
    long root = api.send(alice, room, "root by alice").getLong("seq");
    assertThat(sendInThread(bob, room, root, "bob joins the thread").statusCode()).isEqualTo(201);
    assertThat(sendInThread(carol, room, root, "carol too").statusCode()).isEqualTo(201);
    assertThat(api.call(HttpMethod.POST, "/rooms/" + room + "/mute", carol, null).statusCode()).isEqualTo(204);
    long last = sendInThread(dave, room, root, "dave replies").bodyAsJsonObject().getLong("seq");

    // Alice (the root's author) and Bob (a participant) hear of Dave's reply; Carol muted the room.
    for (ApiClient.User follower : new ApiClient.User[] {alice, bob}) {
      JsonArray notifications = api.await(() -> api.get("/notifications?limit=100", follower).bodyAsJsonObject()
          .getJsonArray("notifications"), list -> list.stream().anyMatch(n -> ((JsonObject) n).getLong("seq") == last),
          Duration.ofSeconds(20));
      JsonObject notification = notifications.stream().map(JsonObject.class::cast)
          .filter(n -> n.getLong("seq") == last).findFirst().orElseThrow();
      assertThat(notification.getString("kind")).isEqualTo("thread");
    }
    // Alice was notified of Bob's and Carol's replies before Dave's: the notifier works in stream order, so
    // Carol's list is complete once Alice's shows Dave's reply.
    assertThat(api.get("/notifications?limit=100", carol).bodyAsJsonObject().getJsonArray("notifications").stream()
        .map(JsonObject.class::cast).noneMatch(n -> n.getLong("seq") == last)).isTrue();
    assertThat(api.get("/notifications?limit=100", dave).bodyAsJsonObject().getJsonArray("notifications"))
        .as("never the sender; dave was not in the thread before").isEmpty();
  }

  // --- pins --------------------------------------------------------------------------------------------------

  @Test
  void ownersAndAdminsPinMembersCannotAndADeletedMessageIsUnpinned() {
    ApiClient.User owner = api.register();
    ApiClient.User admin = api.register();
    ApiClient.User member = api.register();
    String room = api.room(owner, "private", admin, member);
    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room + "/members/" + admin.id(), owner,
        new JsonObject().put("role", "admin")).statusCode()).isEqualTo(200);
    long first = api.send(member, room, "first").getLong("seq");
    long second = api.send(member, room, "second").getLong("seq");
    TestSocket ws = TestSocket.ready(sockets, socketPort, member.token());
    TestSocket bridge = bridge(member, room);

    ApiClient.assertError(api.call(HttpMethod.PUT, "/rooms/" + room + "/pins/" + first, member, null),
        403, "forbidden", null);
    assertThat(api.call(HttpMethod.PUT, "/rooms/" + room + "/pins/" + first, owner, null).statusCode()).isEqualTo(204);
    assertThat(api.call(HttpMethod.PUT, "/rooms/" + room + "/pins/" + first, owner, null).statusCode())
        .as("idempotent").isEqualTo(204);
    assertThat(api.call(HttpMethod.PUT, "/rooms/" + room + "/pins/" + second, admin, null).statusCode()).isEqualTo(204);
    ApiClient.assertError(api.call(HttpMethod.PUT, "/rooms/" + room + "/pins/77", owner, null), 404, "not_found", null);

    JsonObject pinned = ws.next("pin");
    assertThat(pinned.getLong("seq")).isEqualTo(first);
    assertThat(pinned.getString("userId")).isEqualTo(owner.id());
    assertThat(pinned.getString("op")).isEqualTo("add");
    assertThat(ws.next("pin").getLong("seq")).isEqualTo(second);
    assertThat(bridgeEvent(bridge, room, "pin").getLong("seq")).isEqualTo(first);

    // An edit keeps the pin; the list is newest first, with the message as it is now.
    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room + "/messages/" + first, member,
        new JsonObject().put("text", "first, edited")).statusCode()).isEqualTo(200);
    JsonArray pins = api.get("/rooms/" + room + "/pins", member).bodyAsJsonObject().getJsonArray("pins");
    assertThat(pins.stream().map(pin -> ((JsonObject) pin).getLong("seq")).toList()).containsExactly(second, first);
    assertThat(pins.getJsonObject(0).getString("pinnedBy")).isEqualTo(admin.id());
    assertThat(pins.getJsonObject(1).getJsonObject("message").getString("text")).isEqualTo("first, edited");
    assertThat(pins.getJsonObject(1).getLong("pinnedAt")).isPositive();

    // Deleting a pinned message unpins it, with a pin event.
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/" + second, member, null).statusCode())
        .isEqualTo(204);
    JsonObject unpinned = ws.next("pin");
    assertThat(unpinned.getLong("seq")).isEqualTo(second);
    assertThat(unpinned.getString("op")).isEqualTo("remove");
    assertThat(api.get("/rooms/" + room + "/pins", member).bodyAsJsonObject().getJsonArray("pins")).hasSize(1);
    ApiClient.assertError(api.call(HttpMethod.DELETE, "/rooms/" + room + "/pins/" + first, member, null),
        403, "forbidden", null);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/pins/" + first, admin, null).statusCode())
        .isEqualTo(204);
    assertThat(ws.next("pin").getString("op")).isEqualTo("remove");
    assertThat(api.get("/rooms/" + room + "/pins", member).bodyAsJsonObject().getJsonArray("pins")).isEmpty();
    ws.close();
    bridge.close();
  }

  // --- read receipts -----------------------------------------------------------------------------------------

  @Test
  void readersFollowTheReadMarkers() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    ApiClient.User carol = api.register();
    String room = api.room(alice, "private", bob, carol);
    long first = api.send(alice, room, "one").getLong("seq");
    long second = api.send(alice, room, "two").getLong("seq");
    assertThat(readers(alice, room, first, "")).as("the sender is not a reader").isEmpty();

    assertThat(api.call(HttpMethod.POST, "/rooms/" + room + "/read", bob, new JsonObject().put("seq", first))
        .statusCode()).isEqualTo(204);
    JsonArray ofFirst = readers(alice, room, first, "");
    assertThat(ofFirst.stream().map(r -> ((JsonObject) r).getString("userId")).toList()).containsExactly(bob.id());
    assertThat(ofFirst.getJsonObject(0).getLong("readAt")).isPositive();
    assertThat(readers(alice, room, second, "")).isEmpty();

    assertThat(api.call(HttpMethod.POST, "/rooms/" + room + "/read", carol, new JsonObject().put("seq", second))
        .statusCode()).isEqualTo(204);
    assertThat(api.call(HttpMethod.POST, "/rooms/" + room + "/read", bob, new JsonObject().put("seq", second))
        .statusCode()).isEqualTo(204);
    List<String> both = new ArrayList<>(List.of(bob.id(), carol.id()));
    both.sort(java.util.Comparator.comparingLong(Long::parseLong));
    assertThat(readers(alice, room, second, "").stream().map(r -> ((JsonObject) r).getString("userId")).toList())
        .containsExactlyElementsOf(both);

    // Paged by user id.
    JsonObject page = api.get("/rooms/" + room + "/messages/" + second + "/readers?limit=1", alice).bodyAsJsonObject();
    assertThat(page.getBoolean("hasMore")).isTrue();
    assertThat(page.getJsonArray("readers").getJsonObject(0).getString("userId")).isEqualTo(both.get(0));
    JsonObject next = api.get("/rooms/" + room + "/messages/" + second + "/readers?limit=1&after=" + both.get(0), alice)
        .bodyAsJsonObject();
    assertThat(next.getBoolean("hasMore")).isFalse();
    assertThat(next.getJsonArray("readers").getJsonObject(0).getString("userId")).isEqualTo(both.get(1));
    ApiClient.assertError(api.get("/rooms/" + room + "/messages/99/readers", alice), 404, "not_found", null);
  }

  @Test
  void aUserWhoDoesNotShareReceiptsIsNotAReaderAndTheirRestReadsAreNotAnnounced() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    ApiClient.User carol = api.register();
    ApiClient.User dave = api.register();
    String room = api.room(alice, "private", bob, carol, dave);
    long seq = api.send(alice, room, "who reads this?").getLong("seq");
    assertThat(settings(HttpMethod.GET, bob, null).getBoolean("shareReadReceipts")).isTrue();
    ApiClient.assertError(api.call(HttpMethod.PATCH, "/users/me/settings", bob,
        new JsonObject().put("shareReadReceipts", "no")), 400, "bad_request", "shareReadReceipts");
    assertThat(settings(HttpMethod.PATCH, bob, false).getBoolean("shareReadReceipts")).isFalse();
    assertThat(settings(HttpMethod.GET, bob, null).getBoolean("shareReadReceipts")).isFalse();

    // Bob's REST read moves his marker but tells no one: the first read event Alice gets is Carol's.
    TestSocket ws = TestSocket.ready(sockets, socketPort, alice.token());
    for (ApiClient.User reader : List.of(bob, carol, dave)) {
      assertThat(api.call(HttpMethod.POST, "/rooms/" + room + "/read", reader, new JsonObject().put("seq", seq))
          .statusCode()).isEqualTo(204);
    }
    assertThat(ws.next("read").getString("userId")).isEqualTo(carol.id());
    assertThat(ws.next("read").getString("userId")).isEqualTo(dave.id());
    ws.close();

    // Left out of the receipts, and pages stay full: Bob has the lowest id of the three.
    List<String> others = new ArrayList<>(List.of(carol.id(), dave.id()));
    others.sort(java.util.Comparator.comparingLong(Long::parseLong));
    assertThat(readers(alice, room, seq, "").stream().map(r -> ((JsonObject) r).getString("userId")).toList())
        .containsExactlyElementsOf(others);
    JsonObject page = api.get("/rooms/" + room + "/messages/" + seq + "/readers?limit=1", alice).bodyAsJsonObject();
    assertThat(page.getJsonArray("readers").getJsonObject(0).getString("userId")).isEqualTo(others.get(0));
    assertThat(page.getBoolean("hasMore")).isTrue();

    // Sharing again: listed again (his marker moved all along).
    assertThat(settings(HttpMethod.PATCH, bob, true).getBoolean("shareReadReceipts")).isTrue();
    assertThat(readers(alice, room, seq, "").stream().map(r -> ((JsonObject) r).getString("userId")).toList())
        .contains(bob.id()).hasSize(3);
  }

  private static JsonObject settings(HttpMethod method, ApiClient.User user, Boolean share) {
    HttpResponse<Buffer> response = api.call(method, "/users/me/settings", user,
        share == null ? null : new JsonObject().put("shareReadReceipts", share));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  // --- helpers -----------------------------------------------------------------------------------------------

  private static String path(String room, long seq, String emoji) {
    return "/api/v1/rooms/" + room + "/messages/" + seq + "/reactions/"
        + URLEncoder.encode(emoji, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Future<HttpResponse<Buffer>> reactAsync(HttpMethod method, ApiClient.User user, String room, long seq,
      String emoji) {
    return api.web.request(method, api.port, "127.0.0.1", path(room, seq, emoji))
        .putHeader("Authorization", "Bearer " + user.token()).send();
  }

  private static HttpResponse<Buffer> react(HttpMethod method, ApiClient.User user, String room, long seq,
      String emoji) {
    return Await.result(reactAsync(method, user, room, seq, emoji));
  }

  private static Future<HttpResponse<Buffer>> sendInThreadAsync(ApiClient.User user, String room, long root,
      String text) {
    return api.web.request(HttpMethod.POST, api.port, "127.0.0.1", "/api/v1/rooms/" + room + "/messages")
        .putHeader("Authorization", "Bearer " + user.token())
        .sendJsonObject(new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", text)
            .put("threadRoot", root));
  }

  private static HttpResponse<Buffer> sendInThread(ApiClient.User user, String room, long root, String text) {
    return Await.result(sendInThreadAsync(user, room, root, text));
  }

  /** The message as history shows it. */
  private static JsonObject message(ApiClient.User user, String room, long seq) {
    JsonArray page = api.get("/rooms/" + room + "/messages?after=" + (seq - 1) + "&limit=1", user).bodyAsJsonObject()
        .getJsonArray("messages");
    assertThat(page).hasSize(1);
    return page.getJsonObject(0);
  }

  private static JsonArray readers(ApiClient.User user, String room, long seq, String query) {
    HttpResponse<Buffer> response = api.get("/rooms/" + room + "/messages/" + seq + "/readers" + query, user);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("readers");
  }

  /** A bridge socket registered on the room's address (in place once a send through it was answered). */
  private static TestSocket bridge(ApiClient.User user, String room) {
    TestSocket bridge = TestSocket.connect(sockets, socketPort, "/eventbus/websocket?token=" + user.token(), null);
    bridge.send(new JsonObject().put("type", "register").put("address", "chat.room." + room));
    String id = "b" + UUID.randomUUID();
    bridge.send(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", id)
        .put("body", new JsonObject().put("room", room).put("text", "bridge is here").put("clientMsgId", id)));
    bridge.next(frame -> id.equals(frame.getString("address")), Duration.ofSeconds(5));
    return bridge;
  }

  private static JsonObject bridgeEvent(TestSocket bridge, String room, String type) {
    return bridge.next(frame -> "rec".equals(frame.getString("type"))
        && ("chat.room." + room).equals(frame.getString("address"))
        && type.equals(frame.getJsonObject("body").getString("type")), Duration.ofSeconds(5)).getJsonObject("body");
  }
}
