package dev.parley.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Read access to a verticle's configuration by dotted key ({@code "mysql.host"}). Required keys that are
 * missing or of the wrong type raise a {@link ConfigException} naming the key.
 */
public final class Settings {

  private final JsonObject root;

  private Settings(JsonObject root) {
    this.root = root;
  }

  public static Settings of(JsonObject config) {
    return new Settings(config);
  }

  public JsonObject json() {
    return root;
  }

  public String string(String key) {
    Object value = required(key);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new ConfigException("key '" + key + "' must be a non-empty string");
    }
    return text;
  }

  /** An optional string; absent or blank means the fallback. */
  public String string(String key, String fallback) {
    Object value = lookup(key);
    return value == null || (value instanceof String text && text.isBlank()) ? fallback : string(key);
  }

  public int integer(String key) {
    Object value = required(key);
    if (!(value instanceof Number number) || number.doubleValue() != number.intValue()) {
      throw new ConfigException("key '" + key + "' must be an integer");
    }
    return number.intValue();
  }

  public int integer(String key, int fallback) {
    return lookup(key) == null ? fallback : integer(key);
  }

  public int port(String key) {
    int port = integer(key);
    if (port < 0 || port > 65535) {
      throw new ConfigException("key '" + key + "' must be a TCP port (0-65535), not " + port);
    }
    return port;
  }

  public boolean bool(String key, boolean fallback) {
    Object value = lookup(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean flag)) {
      throw new ConfigException("key '" + key + "' must be true or false");
    }
    return flag;
  }

  public List<String> strings(String key) {
    Object value = required(key);
    if (value instanceof String text) {
      return List.of(text.split("\\s*,\\s*"));
    }
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).toList();
    }
    throw new ConfigException("key '" + key + "' must be a list of strings");
  }

  /** An optional list; absent means the fallback. Blank entries ({@code ""}, {@code "a,,b"}) are dropped. */
  public List<String> strings(String key, List<String> fallback) {
    if (lookup(key) == null) {
      return fallback;
    }
    return strings(key).stream().map(String::trim).filter(entry -> !entry.isEmpty()).toList();
  }

  public Settings section(String key) {
    Object value = required(key);
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException("key '" + key + "' must be an object");
    }
    return new Settings(object);
  }

  /** An optional list of objects (absent: empty), each as settings of its own. */
  public List<Settings> sections(String key) {
    Object value = lookup(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(JsonObject.class::isInstance)) {
      throw new ConfigException("key '" + key + "' must be a list of objects");
    }
    return array.stream().map(entry -> new Settings((JsonObject) entry)).toList();
  }

  private Object required(String key) {
    Object value = lookup(key);
    if (value == null) {
      throw new ConfigException("missing required key '" + key + "'");
    }
    return value;
  }

  private Object lookup(String key) {
    Object current = root;
    for (String part : key.split("\\.")) {
      if (!(current instanceof JsonObject object)) {
        return null;
      }
      current = object.getValue(part);
    }
    return current;
  }
}
