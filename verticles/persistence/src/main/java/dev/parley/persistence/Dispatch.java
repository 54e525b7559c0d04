package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;

/** Runs the operation a request's {@link Addresses#ACTION} header names and replies with its result or error. */
final class Dispatch {

  private Dispatch() {
  }

  static void handle(Message<JsonObject> request, Map<String, Function<JsonObject, Future<?>>> actions) {
    Function<JsonObject, Future<?>> action = actions.get(request.headers().get(Addresses.ACTION));
    if (action == null || request.body() == null) {
      new ParleyException(ErrorCode.BAD_REQUEST, "unknown operation").failReply(request);
      return;
    }
    Future<?> result;
    try {
      result = action.apply(request.body());
    } catch (RuntimeException invalid) {
      result = Future.failedFuture(invalid);
    }
    result.onComplete(done -> {
      if (done.succeeded()) {
        request.reply(done.result());
      } else {
        StoreFailures.toClient(done.cause()).failReply(request);
      }
    });
  }
}
