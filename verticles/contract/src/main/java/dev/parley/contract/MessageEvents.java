package dev.parley.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A batch of the message event stream, in outbox id order, as published on {@link Addresses#MESSAGE_EVENTS}. */
public record MessageEvents(List<MessageEvent> events) implements JsonShape {

  public MessageEvents {
    events = List.copyOf(events);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    events.forEach(event -> array.add(event.toJson()));
    return new JsonObject().put("events", array);
  }

  public static MessageEvents fromJson(JsonObject json) {
    return new MessageEvents(list(json.getJsonArray("events")));
  }

  /** The events of a JSON array of {@link MessageEvent} objects (also the {@code events} of a catch-up page). */
  public static List<MessageEvent> list(JsonArray array) {
    List<MessageEvent> events = new ArrayList<>(array == null ? 0 : array.size());
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        events.add(MessageEvent.fromJson(array.getJsonObject(i)));
      }
    }
    return events;
  }
}
