package dev.parley.node;

import static dev.parley.node.ApiClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestSocket;
import dev.parley.node.ApiClient.User;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mention and direct-message notifications end to end: a node with persistence, rooms, http and sockets, and a
 * notifier node of its own (so it can be stopped). Live delivery to every socket of the recipient, the stored
 * list for offline users, read marks, mutes, and the notifier catching up after it was down.
 */
class NotificationsApiTest {

  private static NodePair nodes;
  private static ApiClient api;
  private static WebSocketClient sockets;
  private static int socketPort;

  @BeforeAll
  static void start() {
    nodes = NodePair.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"}]""",
        "[{\"verticle\": \"notifier\"}]", Map.of());
    api = nodes.api;
    sockets = nodes.sockets;
    socketPort = NodePair.socketPort(nodes.firstEnv);
    awaitNotifierReady();
  }

  /** A first notifier follows the stream from its end: messages sent before it knows where that is are not its. */
  private static void awaitNotifierReady() {
    nodes.awaitReady(nodes.secondEnv);
  }

  @AfterAll
  static void stop() {
    nodes.stop();
  }

  private static JsonObject list(User user, String query) {
    return api.get("/notifications" + (query == null ? "" : "?" + query), user).bodyAsJsonObject();
  }

  private static JsonArray awaitNotifications(User user, int count) {
    return api.await(() -> list(user, "limit=100").getJsonArray("notifications"), list -> list.size() >= count,
        Duration.ofSeconds(20));
  }

  @Test
  void aMentionReachesEverySocketOfTheRecipientAndIsListed() {
    User alice = api.register();
    User bob = api.register();
    String room = api.room(alice, "private", bob);
    TestSocket phone = TestSocket.ready(sockets, socketPort, bob.token());
    TestSocket laptop = TestSocket.ready(sockets, socketPort, bob.token());

    JsonObject sent = api.send(alice, room, "@" + bob.username().toUpperCase() + " 서버가 느려요, 봐줄래?");

    for (TestSocket socket : List.of(phone, laptop)) {
      JsonObject frame = socket.next("notification");
      assertThat(frame.getString("kind")).isEqualTo("mention");
      assertThat(frame.getString("room")).isEqualTo(room);
      assertThat(frame.getLong("seq")).isEqualTo(sent.getLong("seq"));
      assertThat(frame.getString("from")).isEqualTo(alice.id());
      assertThat(frame.getString("fromUsername")).isEqualTo(alice.username());
      assertThat(frame.getString("text")).contains("서버가 느려요");
      assertThat(frame.getBoolean("read")).isFalse();
      assertThat(frame.getString("id")).isNotBlank();
    }
    JsonObject listed = list(bob, null);
    assertThat(listed.getLong("unread")).isEqualTo(1L);
    JsonObject stored = listed.getJsonArray("notifications").getJsonObject(0);
    assertThat(stored.getString("kind")).isEqualTo("mention");
    assertThat(stored.getLong("seq")).isEqualTo(sent.getLong("seq"));
    assertThat(list(alice, null).getJsonArray("notifications")).as("never the sender").isEmpty();
    phone.close();
    laptop.close();
  }

  @Test
  void offlineUsersFindTheirNotificationsAndMarkThemRead() {
    User alice = api.register();
    User carol = api.register();
    String room = api.room(alice, "private", carol);
    for (int i = 1; i <= 3; i++) {
      api.send(alice, room, "ping @" + carol.username() + " #" + i);
    }
    JsonArray three = awaitNotifications(carol, 3);
    assertThat(three.stream().map(n -> ((JsonObject) n).getLong("seq")).toList()).as("newest first")
        .containsExactly(3L, 2L, 1L);
    JsonObject page = list(carol, "limit=2");
    assertThat(page.getJsonArray("notifications")).hasSize(2);
    assertThat(page.getBoolean("hasMore")).isTrue();
    String oldestShown = page.getJsonArray("notifications").getJsonObject(1).getString("id");
    assertThat(list(carol, "before=" + oldestShown).getJsonArray("notifications")).hasSize(1);

    String newest = three.getJsonObject(0).getString("id");
    String oldest = three.getJsonObject(2).getString("id");
    JsonObject marked = api.call(HttpMethod.POST, "/notifications/read", carol,
        new JsonObject().put("ids", new JsonArray().add(oldest))).bodyAsJsonObject();
    assertThat(marked.getLong("unread")).isEqualTo(2L);
    assertThat(list(carol, "unread=true").getJsonArray("notifications")).hasSize(2);
    marked = api.call(HttpMethod.POST, "/notifications/read", carol, new JsonObject().put("upTo", newest))
        .bodyAsJsonObject();
    assertThat(marked.getLong("unread")).isZero();
    assertThat(list(carol, null).getJsonArray("notifications").stream()
        .allMatch(n -> ((JsonObject) n).getBoolean("read"))).isTrue();
    // Someone else's ids change nothing of theirs.
    User mallory = api.register();
    assertThat(api.call(HttpMethod.POST, "/notifications/read", mallory, new JsonObject().put("upTo", newest))
        .bodyAsJsonObject().getLong("updated")).isZero();
  }

  @Test
  void directMessagesNotifyTheOtherMember() {
    User alice = api.register();
    User bob = api.register();
    String direct = api.direct(alice, bob);
    api.send(alice, direct, "are you there?");
    api.send(alice, direct, "@" + bob.username() + " hello?");

    JsonArray received = awaitNotifications(bob, 2);
    assertThat(received.stream().map(n -> ((JsonObject) n).getString("kind")).toList())
        .containsExactly("mention", "direct");
    assertThat(received.getJsonObject(1).getString("room")).isEqualTo(direct);
    assertThat(list(alice, null).getJsonArray("notifications")).isEmpty();
  }

  @Test
  void notificationsOfMessagesWithFilesNameThem() {
    User alice = api.register();
    User bob = api.register();
    String direct = api.direct(alice, bob);
    String report = api.uploaded(alice, direct, ApiClient.file(AttachmentNode.pdf(900)), "report.pdf",
        "application/pdf").getString("id");
    String photo = api.uploaded(alice, direct, ApiClient.file(AttachmentNode.png(40, 30)), "photo.png", "image/png")
        .getString("id");
    assertThat(api.sendWith(alice, direct, "files-1", null, report).statusCode()).isEqualTo(201);
    assertThat(api.sendWith(alice, direct, "files-2", "@" + bob.username() + " look", photo).statusCode())
        .isEqualTo(201);

    JsonArray received = awaitNotifications(bob, 2);
    assertThat(received.stream().map(n -> ((JsonObject) n).getString("text")).toList())
        .containsExactly("@" + bob.username() + " look (+ photo.png)", "sent a file: report.pdf");
  }

  @Test
  void mutedRoomsDoNotNotifyUntilUnmuted() {
    User alice = api.register();
    User bob = api.register();
    User outsider = api.register();
    String muted = api.room(alice, "private", bob);
    String other = api.room(alice, "private", bob);
    assertThat(api.call(HttpMethod.POST, "/rooms/" + muted + "/mute", bob, null).statusCode()).isEqualTo(204);
    assertThat(api.get("/notifications/mutes", bob).bodyAsJsonObject().getJsonArray("roomIds").getList())
        .containsExactly(muted);

    api.send(alice, muted, "@" + bob.username() + " in the muted room");
    api.send(alice, other, "@" + bob.username() + " marker in another room");
    // The notifier handles the stream in order: once the marker is there, the muted one would be too.
    JsonArray afterMute = awaitNotifications(bob, 1);
    assertThat(afterMute.getJsonObject(0).getString("room")).isEqualTo(other);
    assertThat(afterMute).hasSize(1);

    assertThat(api.call(HttpMethod.POST, "/rooms/" + muted + "/unmute", bob, null).statusCode()).isEqualTo(204);
    api.send(alice, muted, "@" + bob.username() + " unmuted now");
    assertThat(awaitNotifications(bob, 2).getJsonObject(0).getString("room")).isEqualTo(muted);

    String lobby = api.room(alice, "public");
    assertError(api.call(HttpMethod.POST, "/rooms/" + muted + "/mute", outsider, null), 404, "not_found", null);
    assertError(api.call(HttpMethod.POST, "/rooms/" + lobby + "/mute", outsider, null), 403, "forbidden", null);
    assertError(api.call(HttpMethod.POST, "/rooms/424242/unmute", outsider, null), 404, "not_found", null);
  }

  @Test
  void onlyMembersOtherThanTheSenderAndDeletedMessagesTakeTheirNotificationsAlong() {
    User alice = api.register();
    User bob = api.register();
    User stranger = api.register();
    String room = api.room(alice, "private", bob);
    api.send(alice, room, "@" + stranger.username() + " is not in this room, @" + alice.username() + " is me");
    JsonObject doomed = api.send(alice, room, "@" + bob.username() + " this will be deleted");
    api.send(alice, room, "@" + bob.username() + " marker");
    awaitNotifications(bob, 2);
    assertThat(list(stranger, null).getJsonArray("notifications")).isEmpty();
    assertThat(list(alice, null).getJsonArray("notifications")).isEmpty();

    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/" + doomed.getLong("seq"), alice, null)
        .statusCode()).isEqualTo(204);
    JsonArray left = api.await(() -> list(bob, null).getJsonArray("notifications"), list -> list.size() == 1,
        Duration.ofSeconds(20));
    assertThat(left.getJsonObject(0).getString("text")).contains("marker");
  }

  @Test
  void theNotifierCatchesUpAfterItWasDown() {
    User alice = api.register();
    User bob = api.register();
    String room = api.room(alice, "private", bob);
    api.send(alice, room, "@" + bob.username() + " before the outage");
    awaitNotifications(bob, 1);

    nodes.stopSecond();
    api.send(alice, room, "@" + bob.username() + " while the notifier was down");
    nodes.startSecond();

    JsonArray both = awaitNotifications(bob, 2);
    assertThat(both.getJsonObject(0).getString("text")).contains("while the notifier was down");
    assertThat(both).hasSize(2);
  }

  @Test
  void badInputNamesTheField() {
    User user = api.register();
    assertError(api.call(HttpMethod.POST, "/notifications/read", user, new JsonObject()), 400, "bad_request", "ids");
    assertError(api.call(HttpMethod.POST, "/notifications/read", user, new JsonObject().put("ids", "7")), 400,
        "bad_request", "ids");
    assertError(api.call(HttpMethod.POST, "/notifications/read", user, new JsonObject().put("upTo", "seven")), 400,
        "bad_request", "upTo");
    assertError(api.get("/notifications?limit=0", user), 400, "bad_request", "limit");
    assertError(api.get("/notifications?unread=maybe", user), 400, "bad_request", "unread");
    assertError(api.get("/notifications?before=x", user), 400, "bad_request", "before");
    assertThat(api.get("/notifications", null).statusCode()).isEqualTo(401);
  }
}
