package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrameType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The socket module's small rules, without sockets: Gate, TokenBucket, frame assembly (send parsing and room ids: contract SendRequestTest). */
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
}
