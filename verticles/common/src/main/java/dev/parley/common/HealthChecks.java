package dev.parley.common;

import dev.parley.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * How a verticle tells its node what "ready" means for it. Each registration is a node-local consumer that
 * runs the check on request, listed in a local map the management verticle reads; so the management side
 * knows nothing of MySQL or Redis, and a verticle moved to another node takes its checks with it.
 */
public final class HealthChecks {

  private HealthChecks() {
  }

  /**
   * Registers a named check (for example {@code "mysql"}) for the calling verticle instance. The check's future
   * succeeds when the dependency answers. Undeploying the verticle removes the consumer; call
   * {@link #unregister} from {@code stop()} to drop the listing as well.
   */
  public static Future<MessageConsumer<JsonObject>> register(Vertx vertx, String name, Supplier<Future<?>> check) {
    String address = Addresses.HEALTH_CHECK_PREFIX + name + "." + UUID.randomUUID();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(address, request ->
        check.get().onComplete(result -> {
          if (result.succeeded()) {
            request.reply(new JsonObject().put("name", name).put("ok", true));
          } else {
            request.reply(new JsonObject().put("name", name).put("ok", false)
                .put("error", String.valueOf(result.cause().getMessage())));
          }
        }));
    return consumer.completion().map(done -> {
      registry(vertx).put(address, name);
      return consumer;
    });
  }

  public static Future<Void> unregister(Vertx vertx, MessageConsumer<JsonObject> consumer) {
    registry(vertx).remove(consumer.address());
    return consumer.unregister();
  }

  /** The node's listing: health-check address -> check name. */
  public static LocalMap<String, String> registry(Vertx vertx) {
    return vertx.sharedData().getLocalMap(Addresses.HEALTH_REGISTRY_MAP);
  }
}
