package dev.parley.node;

import static dev.parley.node.ApiClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outgoing webhooks end to end (persistence, rooms, http and the hooks verticle on one node; receivers are HTTP
 * servers of the test on loopback, so {@code hooks.allowPrivateTargets} is on): a room's events arrive signed and
 * in room order; a receiver that is down for 30 s gets everything afterwards, each event id once (a repeat only
 * with the same id and body).
 */
class OutgoingHooksTest {

  private static HooksNode hooks;
  private static Vertx client;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    hooks = new HooksNode("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "hooks"}]""", Map.of(
        "PARLEY_HOOKS_RETRYBASEMS", "200",
        "PARLEY_HOOKS_RETRYMAXMS", "2000",
        "PARLEY_HOOKS_MAXCONSECUTIVEFAILURES", "1000",
        "PARLEY_HOOKS_REQUESTTIMEOUTMS", "2000"));
    client = hooks.client;
    api = hooks.api;
  }

  @AfterAll
  static void stop() {
    hooks.close();
  }

  private static String hook(User owner, String room, HookReceiver receiver, String secret, String... events) {
    return HooksNode.hook(api, owner, room, receiver, secret, events);
  }

  @Test
  void aRoomsEventsArriveSignedAndInRoomOrder() {
    User owner = api.register();
    User member = api.register();
    String room = api.room(owner, "private", member);
    String quiet = api.room(owner, "private", member);
    HookReceiver receiver = new HookReceiver(client, "s3cret-order").start();

    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/hooks", member, new JsonObject()
        .put("url", receiver.url()).put("events", new JsonArray().add("message")).put("secret", "x")), 403, "forbidden", null);
    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/hooks", owner, new JsonObject()
        .put("url", "ftp://example.com/").put("events", new JsonArray().add("message")).put("secret", "x")), 400,
        "bad_request", "url");
    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/hooks", owner, new JsonObject()
        .put("url", receiver.url()).put("events", new JsonArray().add("everything")).put("secret", "x")), 400,
        "bad_request", "events");
    String hookId = hook(owner, room, receiver, "s3cret-order", "message", "message.updated", "message.deleted");

    int count = 25;
    for (int i = 1; i <= count; i++) {
      api.send(i % 2 == 0 ? owner : member, room, "message " + i);
      api.send(owner, quiet, "not for the hook " + i);
    }
    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room + "/messages/3", member, new JsonObject().put("text", "edited"))
        .statusCode()).isEqualTo(200);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/5", member, null).statusCode()).isEqualTo(204);

    List<HookReceiver.Delivery> got = api.await(receiver::deliveries, all -> all.size() >= count + 2,
        Duration.ofSeconds(30));
    assertThat(got).hasSize(count + 2).allMatch(HookReceiver.Delivery::signed);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject event = got.get(i).body();
      assertThat(event.getString("type")).isEqualTo("message");
      assertThat(event.getString("hookId")).isEqualTo(hookId);
      assertThat(event.getString("roomId")).isEqualTo(room);
      assertThat(event.getString("id")).isEqualTo(got.get(i).eventId());
      assertThat(event.getJsonObject("message").getString("text")).isEqualTo("message " + (i + 1));
      seqs.add(event.getJsonObject("message").getLong("seq"));
    }
    assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(count);
    assertThat(got.get(count).body().getString("type")).isEqualTo("message.updated");
    assertThat(got.get(count).body().getJsonObject("message").getString("text")).isEqualTo("edited");
    assertThat(got.get(count + 1).body().getString("type")).isEqualTo("message.deleted");
    assertThat(got.get(count + 1).body().getJsonObject("message").getBoolean("deleted")).isTrue();
    assertThat(got.stream().map(HookReceiver.Delivery::eventId).distinct().count()).isEqualTo(count + 2);

    JsonArray listed = api.get("/rooms/" + room + "/hooks", owner).bodyAsJsonObject().getJsonArray("hooks");
    assertThat(listed).hasSize(1);
    assertThat(listed.encode()).doesNotContain("s3cret-order");
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/hooks/" + hookId, owner, null).statusCode())
        .isEqualTo(204);
    receiver.stop();
  }

  @Test
  void aReceiverDownFor30SecondsGetsEveryEventOncePerEventIdAfterwards() {
    User owner = api.register();
    String room = api.room(owner, "private");
    HookReceiver receiver = new HookReceiver(client, "s3cret-outage").start();
    hook(owner, room, receiver, "s3cret-outage", "message");
    api.send(owner, room, "before the outage");
    api.await(receiver::deliveries, all -> all.size() == 1, Duration.ofSeconds(20));

    receiver.stop();
    int during = 20;
    for (int i = 1; i <= during / 2; i++) {
      api.send(owner, room, "during the outage " + i);
    }
    // Down for 30 s: sends go on (the send path never waits for hooks), deliveries fail and back off.
    Await.result(client.timer(15_000), Duration.ofSeconds(20));
    for (int i = during / 2 + 1; i <= during; i++) {
      api.send(owner, room, "during the outage " + i);
    }
    Await.result(client.timer(15_000), Duration.ofSeconds(20));
    receiver.start();

    List<HookReceiver.Delivery> got = api.await(receiver::deliveries,
        all -> all.stream().map(HookReceiver.Delivery::eventId).distinct().count() == during + 1, Duration.ofSeconds(30));
    assertThat(got).allMatch(HookReceiver.Delivery::signed);
    Map<String, JsonObject> byId = new HashMap<>();
    Set<Long> firstSeqs = new LinkedHashSet<>();
    for (HookReceiver.Delivery delivery : got) {
      JsonObject earlier = byId.putIfAbsent(delivery.eventId(), delivery.body());
      if (earlier != null) {
        assertThat(delivery.body()).as("a repeat carries the same event").isEqualTo(earlier);
      } else {
        firstSeqs.add(delivery.body().getJsonObject("message").getLong("seq"));
      }
    }
    assertThat(new ArrayList<>(firstSeqs)).isSorted().hasSize(during + 1);
    assertThat(byId.values().stream().map(event -> event.getJsonObject("message").getString("text")))
        .contains("before the outage", "during the outage 1", "during the outage " + during);
    receiver.stop();
  }
}
