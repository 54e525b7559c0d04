package dev.parley.persistence;

import dev.parley.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The one consumer of {@link Addresses#PERSISTENCE_INTEGRATIONS}: bots, incoming and outgoing webhooks. */
final class IntegrationStore {

  private final Vertx vertx;
  private final Map<String, Function<JsonObject, Future<?>>> actions = new HashMap<>();

  IntegrationStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    actions.putAll(new BotStore(shards.global().pool()).actions());
    actions.putAll(new IncomingWebhookStore(shards).actions());
    actions.putAll(new OutgoingHookStore(shards).actions());
  }

  Future<?> register() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_INTEGRATIONS, request ->
        Dispatch.handle(request, actions)).completion();
  }
}
