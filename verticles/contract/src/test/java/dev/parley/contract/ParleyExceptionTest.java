package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/** An error crosses the event bus with its code, field and the seconds to wait, which HTTP sends as Retry-After. */
class ParleyExceptionTest {

  @Test
  void retryAfterCrossesTheEventBusButNotIntoTheErrorBody() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      vertx.eventBus().consumer("limited", request ->
          ParleyException.rateLimited("at most 2 rooms can be created per hour", 1234).failReply(request));
      ParleyException received = ParleyException.from(vertx.eventBus().request("limited", "")
          .toCompletionStage().toCompletableFuture().handle((reply, failure) -> failure).get());
      assertThat(received.code()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(received.retryAfterSeconds()).isEqualTo(1234);
      assertThat(received.toErrorBody().getJsonObject("error").fieldNames()).containsOnly("code", "message");
      assertThat(new ParleyException(ErrorCode.FORBIDDEN, "no").retryAfterSeconds()).isZero();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
