package dev.parley.persistence;

import dev.parley.common.Replies;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;

/** The stores' request handling: {@link Replies#dispatch} with persistence's failure mapping. */
final class Dispatch {

  private Dispatch() {
  }

  static void handle(Message<JsonObject> request, Map<String, Function<JsonObject, Future<?>>> actions) {
    Replies.dispatch(request, actions, StoreFailures::toClient);
  }
}
