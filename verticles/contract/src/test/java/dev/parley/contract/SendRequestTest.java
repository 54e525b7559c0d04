package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one send validation of the three front ends (WebSocket frame, bridge body, REST body) and its one ack. */
class SendRequestTest {

  @Test
  void allThreeFrontEndsParseToTheSameRequest() {
    SendRequest ws = SendRequest.fromFrame(new JsonObject().put("type", "send").put("id", "c1").put("room", "5")
        .put("text", "hi").put("replyTo", 3));
    SendRequest bridge = SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c1").put("room", "5")
        .put("text", "hi").put("replyTo", 3));
    SendRequest rest = SendRequest.fromRest("5", new JsonObject().put("clientMsgId", "c1").put("text", "hi")
        .put("replyTo", 3));
    assertThat(ws).isEqualTo(bridge).isEqualTo(rest).isEqualTo(new SendRequest("5", "c1", "hi", 3L, List.of(), null));
  }

  @Test
  void aThreadReplyNamesItsRootAndABadRootIsNamed() {
    assertThat(SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c1").put("room", "5").put("text", "hi")
        .put("threadRoot", 7)).threadRoot()).isEqualTo(7L);
    assertThat(SendRequest.fromRest("5", new JsonObject().put("clientMsgId", "c1").put("text", "hi")
        .put("threadRoot", 7)).message("u1", false).threadRoot()).isEqualTo(7L);
    assertThatThrownBy(() -> SendRequest.fromFrame(new JsonObject().put("id", "c").put("room", "5")
        .put("text", "x").put("threadRoot", 0))).hasFieldOrPropertyWithValue("field", "threadRoot");
  }

  @Test
  void theRestRoomIsThePathsAndItsBodyIsLeftAlone() {
    JsonObject body = new JsonObject().put("clientMsgId", "c1").put("room", "9").put("text", "hi");
    assertThat(SendRequest.fromRest("5", body).room()).isEqualTo("5");
    assertThat(body.getString("room")).isEqualTo("9");
  }

  @Test
  void aRestPathThatNamesNoRoomIsNotFound() {
    for (String bad : new String[] {"05", "abc", ""}) {
      assertThatThrownBy(() -> SendRequest.fromRest(bad, new JsonObject().put("clientMsgId", "c").put("text", "x")))
          .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
  }

  @Test
  void badFieldsAreNamed() {
    assertThatThrownBy(() -> SendRequest.fromFrame(new JsonObject().put("room", "5").put("text", "x")))
        .hasFieldOrPropertyWithValue("field", "id");
    assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c").put("room", "05")
        .put("text", "x"))).hasFieldOrPropertyWithValue("field", "room");
    assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c").put("room", "5")))
        .hasFieldOrPropertyWithValue("field", "text");
    assertThatThrownBy(() -> SendRequest.fromRest("5", new JsonObject().put("text", "x")))
        .hasFieldOrPropertyWithValue("field", "clientMsgId");
    assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c").put("room", "5")
        .put("text", "x").put("replyTo", "3"))).hasFieldOrPropertyWithValue("field", "replyTo");
    assertThatThrownBy(() -> SendRequest.fromRest("5", new JsonObject().put("clientMsgId", "c")
        .put("text", "x").put("replyTo", 0))).hasFieldOrPropertyWithValue("field", "replyTo");
    assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c".repeat(129))
        .put("room", "5").put("text", "x"))).hasFieldOrPropertyWithValue("field", "clientMsgId");
    assertThatThrownBy(() -> SendRequest.fromRest("5", new JsonObject().put("clientMsgId", "c")
        .put("attachments", "a1"))).hasFieldOrPropertyWithValue("field", "attachments");
  }

  @Test
  void withAttachmentsTheTextMayBeAbsent() {
    SendRequest send = SendRequest.fromRest("5", new JsonObject().put("clientMsgId", "c")
        .put("attachments", new JsonArray().add("a1")));
    assertThat(send.text()).isEmpty();
    assertThat(send.message("u1", false)).isEqualTo(new SendMessage("5", "u1", "c", "", null, List.of("a1")));
  }

  @Test
  void oneAckTwoWrappings() {
    SendRequest.Ack ack = SendRequest.Ack.of(new ChatMessage("5-7", "5", 7, "u1", "hi", 1000, "c1", null, null,
        false));
    assertThat(new JsonObject(ack.frame("c1"))).isEqualTo(new JsonObject().put("type", "ack").put("id", "c1")
        .put("room", "5").put("seq", 7L).put("msgId", "5-7").put("ts", 1000L));
    assertThat(ack.reply()).isEqualTo(new JsonObject().put("seq", 7L).put("msgId", "5-7").put("ts", 1000L));
  }

  @Test
  void roomIdsAreCanonicalNumbers() {
    assertThat(RoomIds.canonical("5")).isTrue();
    assertThat(RoomIds.canonical("123456789012345678")).isTrue();
    for (String bad : new String[] {"05", "+5", "-5", "0", "5 ", "", "a", "1234567890123456789", null}) {
      assertThat(RoomIds.canonical(bad)).as(String.valueOf(bad)).isFalse();
    }
  }
}
