package dev.parley.http.attachments;

import dev.parley.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** Requests to the persistence verticle's attachment metadata ({@link dev.parley.contract.AttachmentActions}). */
final class MetadataClient {

  private final Vertx vertx;
  private final DeliveryOptions options;

  MetadataClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  Future<JsonObject> call(String action, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_ATTACHMENTS, body,
        new DeliveryOptions(options).addHeader(Addresses.ACTION, action)).map(Message::body);
  }
}
