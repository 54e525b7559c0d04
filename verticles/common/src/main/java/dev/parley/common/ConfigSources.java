package dev.parley.common;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Map;

/**
 * How configuration layers combine: profiles merge over the files they extend, and the environment overrides
 * both. Every key {@code a.b.c} can be set with {@code PARLEY_A_B_C}; the value is read as the type the key
 * already has (number, boolean, JSON array, string).
 */
public final class ConfigSources {

  public static final String ENV_PREFIX = "PARLEY_";

  private ConfigSources() {
  }

  /** Objects merge key by key; anything else in {@code top} replaces what {@code base} has. */
  public static JsonObject deepMerge(JsonObject base, JsonObject top) {
    JsonObject result = base.copy();
    for (Map.Entry<String, Object> entry : top) {
      Object mine = result.getValue(entry.getKey());
      if (mine instanceof JsonObject mineObject && entry.getValue() instanceof JsonObject theirs) {
        result.put(entry.getKey(), deepMerge(mineObject, theirs));
      } else {
        result.put(entry.getKey(), entry.getValue() instanceof JsonObject o ? o.copy() : entry.getValue());
      }
    }
    return result;
  }

  /** Overrides every key {@code a.b.c} present in {@code json} with {@code PARLEY_A_B_C} from {@code env}, in place. */
  public static JsonObject applyEnvironment(JsonObject json, Map<String, String> env) {
    applyEnvironment(json, "", env);
    return json;
  }

  private static void applyEnvironment(JsonObject json, String path, Map<String, String> env) {
    for (String key : new ArrayList<>(json.fieldNames())) {
      String dotted = path.isEmpty() ? key : path + "." + key;
      Object current = json.getValue(key);
      if (current instanceof JsonObject nested) {
        applyEnvironment(nested, dotted, env);
        continue;
      }
      String variable = ENV_PREFIX + dotted.replace('.', '_').toUpperCase();
      String value = env.get(variable);
      if (value != null) {
        json.put(key, convert(variable, value, current));
      }
    }
  }

  private static Object convert(String variable, String value, Object current) {
    try {
      if (current instanceof Integer || current instanceof Long) {
        return Long.parseLong(value.trim());
      }
      if (current instanceof Number) {
        return Double.parseDouble(value.trim());
      }
    } catch (NumberFormatException notANumber) {
      throw new ConfigException("environment variable " + variable + " must be a number, not '" + value + "'");
    }
    if (current instanceof Boolean) {
      if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        throw new ConfigException("environment variable " + variable + " must be true or false");
      }
      return Boolean.parseBoolean(value);
    }
    if (current instanceof JsonArray) {
      try {
        return new JsonArray(value);
      } catch (DecodeException notJson) {
        throw new ConfigException("environment variable " + variable + " must be a JSON array");
      }
    }
    return value;
  }
}
