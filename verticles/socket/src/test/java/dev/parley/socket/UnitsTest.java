package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.ChatMessage;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The socket module's small rules, without sockets: Gate, TokenBucket, frame assembly, send parsing, room ids. */
class UnitsTest {

  @Nested
  class GateRules {

    @Test
    void runsAtMostTheLimitAndQueuesTheRestInOrder() {
      Gate gate = new Gate(2, 10);
      List<Promise<Void>> tasks = new ArrayList<>();
      List<Integer> started = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        gate.run(() -> {
          started.add(n);
          Promise<Void> task = Promise.promise();
          tasks.add(task);
          return task.future();
        });
      }
      assertThat(started).containsExactly(0, 1);
      tasks.get(1).complete();
      assertThat(started).containsExactly(0, 1, 2);
      tasks.get(0).fail("failed");
      tasks.get(2).complete();
      assertThat(started).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void pastTheWaitQueueATaskFailsAtOnceAsUnavailable() {
      Gate gate = new Gate(1, 1);
      gate.run(() -> Promise.<Void>promise().future());
      Future<Void> waiting = gate.run(() -> Future.succeededFuture());
      Future<Void> refused = gate.run(() -> Future.succeededFuture());
      assertThat(waiting.isComplete()).isFalse();
      assertThat(refused.failed()).isTrue();
      assertThat(ParleyException.from(refused.cause()).code().status()).isEqualTo(503);
    }

    @Test
    void aTaskThatThrowsFreesItsPlace() {
      Gate gate = new Gate(1, 0);
      Future<Void> thrown = gate.run(() -> {
        throw new IllegalStateException("boom");
      });
      assertThat(thrown.failed()).isTrue();
      assertThat(gate.run(() -> Future.succeededFuture("next")).result()).isEqualTo("next");
    }
  }

  @Nested
  class TokenBucketRules {

    @Test
    void allowsTheBurstThenTheRate() {
      long[] now = {0};
      TokenBucket bucket = new TokenBucket(10, 3, () -> now[0]);
      assertThat(bucket.tryTake()).isTrue();
      assertThat(bucket.tryTake()).isTrue();
      assertThat(bucket.tryTake()).isTrue();
      assertThat(bucket.tryTake()).isFalse();
      now[0] += 100_000_000L;
      assertThat(bucket.tryTake()).isTrue();
      assertThat(bucket.tryTake()).isFalse();
      now[0] += 10_000_000_000L;
      for (int i = 0; i < 3; i++) {
        assertThat(bucket.tryTake()).isTrue();
      }
      assertThat(bucket.tryTake()).as("never more than the burst saved").isFalse();
    }
  }

  @Nested
  class FrameAssembly {

    final FrameAssembler assembler = new FrameAssembler(10);

    short refusal(WebSocketFrameType type, boolean last, byte[] data) {
      try {
        assembler.accept(type, last, Buffer.buffer(data));
        return 0;
      } catch (FrameAssembler.Refused refused) {
        return refused.code;
      }
    }

    @Test
    void fragmentsMakeOneMessage() throws FrameAssembler.Refused {
      assertThat(assembler.accept(WebSocketFrameType.TEXT, false, Buffer.buffer("héllo"))).isNull();
      assertThat(assembler.accept(WebSocketFrameType.CONTINUATION, true, Buffer.buffer(" wo"))).isEqualTo("héllo wo");
      assertThat(assembler.accept(WebSocketFrameType.TEXT, true, Buffer.buffer("next"))).isEqualTo("next");
      assertThat(assembler.accept(WebSocketFrameType.PING, true, Buffer.buffer())).isNull();
    }

    @Test
    void aMultiByteCharacterSplitAcrossFragmentsIsValid() throws FrameAssembler.Refused {
      byte[] e = "é".getBytes(StandardCharsets.UTF_8);
      assertThat(assembler.accept(WebSocketFrameType.TEXT, false, Buffer.buffer(new byte[] {e[0]}))).isNull();
      assertThat(assembler.accept(WebSocketFrameType.CONTINUATION, true, Buffer.buffer(new byte[] {e[1]})))
          .isEqualTo("é");
    }

    @Test
    void theRulesCloseWithTheirCodes() {
      assertThat(refusal(WebSocketFrameType.BINARY, true, new byte[] {1})).isEqualTo((short) 1003);
      assertThat(refusal(WebSocketFrameType.TEXT, true, new byte[] {(byte) 0xC3, 0x28})).isEqualTo((short) 1007);
      assertThat(refusal(WebSocketFrameType.TEXT, true, new byte[11])).isEqualTo((short) 4413);
      assertThat(refusal(WebSocketFrameType.CONTINUATION, true, new byte[1])).isEqualTo((short) 1002);
    }

    @Test
    void theLimitCountsEveryFragment() {
      assertThat(refusal(WebSocketFrameType.TEXT, false, new byte[6])).isZero();
      assertThat(refusal(WebSocketFrameType.CONTINUATION, true, new byte[5])).isEqualTo((short) 4413);
    }
  }

  @Nested
  class Sends {

    @Test
    void bothFrontEndsParseToTheSameRequest() {
      SendRequest ws = SendRequest.fromFrame(new JsonObject().put("type", "send").put("id", "c1").put("room", "5")
          .put("text", "hi").put("replyTo", 3));
      SendRequest bridge = SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c1").put("room", "5")
          .put("text", "hi").put("replyTo", 3));
      assertThat(ws).isEqualTo(bridge).isEqualTo(new SendRequest("5", "c1", "hi", 3L, java.util.List.of(), null));
    }

    @Test
    void aThreadReplyNamesItsRoot() {
      assertThat(SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c1").put("room", "5").put("text", "hi")
          .put("threadRoot", 7)).threadRoot()).isEqualTo(7L);
    }

    @Test
    void badFieldsAreNamed() {
      assertThatThrownBy(() -> SendRequest.fromFrame(new JsonObject().put("room", "5").put("text", "x")))
          .hasFieldOrPropertyWithValue("field", "id");
      assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c").put("room", "05")
          .put("text", "x"))).hasFieldOrPropertyWithValue("field", "room");
      assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c").put("room", "5")))
          .hasFieldOrPropertyWithValue("field", "text");
      assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c").put("room", "5")
          .put("text", "x").put("replyTo", "3"))).hasFieldOrPropertyWithValue("field", "replyTo");
      assertThatThrownBy(() -> SendRequest.fromFrame(new JsonObject().put("id", "c").put("room", "5")
          .put("text", "x").put("threadRoot", 0))).hasFieldOrPropertyWithValue("field", "threadRoot");
      assertThatThrownBy(() -> SendRequest.fromBridge(new JsonObject().put("clientMsgId", "c".repeat(129))
          .put("room", "5").put("text", "x"))).hasFieldOrPropertyWithValue("field", "clientMsgId");
    }

    @Test
    void oneAckTwoWrappings() {
      SendRequest.Ack ack = SendRequest.Ack.of(new ChatMessage("5-7", "5", 7, "u1", "hi", 1000, "c1", null, null,
          false));
      assertThat(new JsonObject(ack.frame("c1"))).isEqualTo(new JsonObject().put("type", "ack").put("id", "c1")
          .put("room", "5").put("seq", 7L).put("msgId", "5-7").put("ts", 1000L));
      assertThat(ack.reply()).isEqualTo(new JsonObject().put("seq", 7L).put("msgId", "5-7").put("ts", 1000L));
    }
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
