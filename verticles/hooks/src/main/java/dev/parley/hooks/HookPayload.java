package dev.parley.hooks;

import dev.parley.contract.MessageEvent;
import dev.parley.contract.RoomEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What a hook receives for one stream event: {@code {id, type, hookId, roomId, ts, message}} where {@code id} is
 * the event id (also in {@code X-Parley-Event-Id}, stable across redeliveries), {@code type} the client event name
 * ({@code message}, {@code message.updated}, {@code message.deleted}), {@code ts} when the event happened, and
 * {@code message} the message as stored when the event was read (a deleted one without text).
 */
final class HookPayload {

  private HookPayload() {
  }

  /** {@code "<shard>-<outbox id>"}: unique per database, the same every time this event is delivered. */
  static String eventId(MessageEvent event) {
    return event.shard() + "-" + event.id();
  }

  static String type(MessageEvent event) {
    return switch (event.kind()) {
      case MessageEvent.CREATED -> RoomEvent.MESSAGE;
      case MessageEvent.EDITED -> RoomEvent.MESSAGE_UPDATED;
      case MessageEvent.DELETED -> RoomEvent.MESSAGE_DELETED;
      default -> null;
    };
  }

  static Buffer body(Hook hook, MessageEvent event) {
    JsonObject message = new JsonObject()
        .put("id", event.messageId())
        .put("roomId", event.roomId())
        .put("seq", event.seq())
        .put("senderId", event.senderId())
        .put("ts", event.ts());
    if (event.bot()) {
      message.put("bot", true);
    }
    if (event.deleted()) {
      message.put("deleted", true);
    } else {
      message.put("text", event.text());
      if (event.editedAt() != null) {
        message.put("editedAt", event.editedAt());
      }
    }
    return new JsonObject()
        .put("id", eventId(event))
        .put("type", type(event))
        .put("hookId", hook.id())
        .put("roomId", event.roomId())
        .put("ts", event.at())
        .put("message", message)
        .toBuffer();
  }
}
