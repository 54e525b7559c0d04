package dev.parley.contract;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The one place where the contract's message shapes get their codecs. Every node registers them once at start
 * (the launcher does it), so any verticle can send a shape to any other, local or remote.
 */
public final class Codecs {

  private Codecs() {
  }

  public static void registerAll(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    register(bus, ChatMessage.class, ChatMessage::fromJson);
    register(bus, SendMessage.class, SendMessage::fromJson);
    register(bus, RoomEvent.class, RoomEvent::fromJson);
    register(bus, MessageEvents.class, MessageEvents::fromJson);
    register(bus, UserEvent.class, UserEvent::fromJson);
  }

  private static <T extends JsonShape> void register(EventBus bus, Class<T> type, Function<JsonObject, T> reader) {
    bus.registerDefaultCodec(type, new JsonShapeCodec<>(type, reader));
  }
}
