package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestSocket;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An outgoing webhook whose receiver keeps failing is disabled after {@code hooks.maxConsecutiveFailures} attempts
 * (here 3), the room's owner and admins get a {@code hook.disabled} event, the listing says so, and nothing more
 * is delivered to it.
 */
class HookDisableTest {

  private static HooksNode hooks;
  private static Vertx client;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    hooks = new HooksNode("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"},
         {"verticle": "hooks"}]""", Map.of(
        "PARLEY_HOOKS_RETRYBASEMS", "100",
        "PARLEY_HOOKS_RETRYMAXMS", "400",
        "PARLEY_HOOKS_MAXCONSECUTIVEFAILURES", "3"));
    client = hooks.client;
    api = hooks.api;
  }

  @AfterAll
  static void stop() {
    hooks.close();
  }

  @Test
  void aHookIsDisabledAfterNConsecutiveFailuresAndTheAdminsAreTold() {
    User owner = api.register();
    User member = api.register();
    String room = api.room(owner, "private", member);
    HookReceiver receiver = new HookReceiver(client, "s3cret-fail");
    receiver.status = 500;
    receiver.start();
    String hookId = HooksNode.hook(api, owner, room, receiver, "s3cret-fail", "message");
    TestSocket ownerSocket = TestSocket.ready(TestSocket.client(client), hooks.port("PARLEY_SOCKET_PORT"),
        owner.token());

    api.send(member, room, "nobody hears this");
    JsonObject disabled = ownerSocket.next(frame -> "hook.disabled".equals(frame.getString("type")), Duration.ofSeconds(20));
    assertThat(disabled.getString("hookId")).isEqualTo(hookId);
    assertThat(disabled.getString("room")).isEqualTo(room);
    assertThat(disabled.getString("reason")).contains("3 consecutive failed deliveries", "HTTP 500");

    List<HookReceiver.Delivery> attempts = receiver.deliveries();
    assertThat(attempts).hasSize(3).allMatch(HookReceiver.Delivery::signed);
    assertThat(attempts.stream().map(HookReceiver.Delivery::eventId).distinct()).hasSize(1);

    JsonObject listed = api.get("/rooms/" + room + "/hooks", owner).bodyAsJsonObject().getJsonArray("hooks")
        .getJsonObject(0);
    assertThat(listed.getBoolean("disabled")).isTrue();
    assertThat(listed.getString("disabledReason")).contains("HTTP 500");

    // Disabled means disabled: a healthy receiver gets nothing more.
    receiver.status = 200;
    api.send(member, room, "still nobody");
    Await.result(client.timer(3000), Duration.ofSeconds(10));
    assertThat(receiver.deliveries()).hasSize(3);
    receiver.stop();
    ownerSocket.close();
  }
}
