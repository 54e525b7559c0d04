package dev.parley.http.attachments;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.AttachmentActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Requests to the persistence verticle's attachment metadata ({@link AttachmentActions}). */
final class MetadataClient {

  private final ServiceRequests requests;

  MetadataClient(Vertx vertx, long timeoutMs) {
    this.requests = new ServiceRequests(vertx, timeoutMs);
  }

  Future<JsonObject> call(String action, JsonObject body) {
    // Reads may be answered by another persistence node when theirs leaves; writes are not repeated.
    boolean read = AttachmentActions.GET.equals(action) || AttachmentActions.CHECK_MEMBER.equals(action);
    return read ? requests.idempotent(Addresses.PERSISTENCE_ATTACHMENTS, action, body)
        : requests.request(Addresses.PERSISTENCE_ATTACHMENTS, action, body);
  }
}
