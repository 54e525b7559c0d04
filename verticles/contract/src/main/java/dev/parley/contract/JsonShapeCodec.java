package dev.parley.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The one codec for every {@link JsonShape}: length-prefixed UTF-8 JSON on the wire, the same immutable
 * instance for local delivery (no copy, which is what makes the single-node start fast).
 */
final class JsonShapeCodec<T extends JsonShape> implements MessageCodec<T, T> {

  private final String name;
  private final Function<JsonObject, T> reader;

  JsonShapeCodec(Class<T> type, Function<JsonObject, T> reader) {
    this.name = "parley." + type.getSimpleName();
    this.reader = reader;
  }

  @Override
  public void encodeToWire(Buffer buffer, T shape) {
    Buffer json = shape.toJson().toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return reader.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T shape) {
    return shape;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
