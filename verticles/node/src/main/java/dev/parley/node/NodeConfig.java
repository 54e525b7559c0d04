package dev.parley.node;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's configuration: a profile from {@code conf/} (which verticles, how many instances, their config),
 * merged over the files it {@code extends}, then overridden by environment variables. Every key
 * {@code a.b.c} can be set with {@code PARLEY_A_B_C}; the value is read as the type the key already has.
 */
record NodeConfig(Path source, JsonObject config, List<Deployment> deployments) {

  static final String ENV_PREFIX = "PARLEY_";

  /** One line of a profile's {@code deploy} list. */
  record Deployment(String verticle, String className, int instances, JsonObject config) {
  }

  static NodeConfig load(Path profile, Map<String, String> env) {
    JsonObject merged = readWithParents(profile, new HashSet<>());
    applyEnvironment(merged, "", env);
    JsonArray deploy = merged.getJsonArray("deploy");
    merged.remove("deploy");
    merged.remove("extends");
    List<Deployment> deployments = parseDeployments(deploy, merged, env);
    Settings settings = Settings.of(merged);
    settings.string("cluster.host");
    settings.port("cluster.port");
    settings.strings("cluster.members");
    settings.string("management.host");
    settings.port("management.port");
    settings.string("node.name");
    return new NodeConfig(profile, merged, deployments);
  }

  /** The directory relative paths in the configuration are resolved against. */
  Path confDir() {
    Path parent = source.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }

  private static JsonObject readWithParents(Path file, Set<Path> seen) {
    Path normalized = file.toAbsolutePath().normalize();
    if (!seen.add(normalized)) {
      throw new ConfigException(file + ": 'extends' forms a cycle");
    }
    JsonObject json = read(file);
    Object parent = json.getValue("extends");
    if (parent == null) {
      return json;
    }
    if (!(parent instanceof String parentName)) {
      throw new ConfigException(file + ": key 'extends' must be a file name");
    }
    Path parentFile = normalized.getParent().resolve(parentName);
    JsonObject base = readWithParents(parentFile, seen);
    return deepMerge(base, json);
  }

  private static JsonObject read(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (NoSuchFileException missing) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException unreadable) {
      throw new ConfigException(file + ": cannot read (" + unreadable.getMessage() + ")");
    } catch (DecodeException malformed) {
      throw new ConfigException(file + ": malformed JSON (" + firstLine(malformed.getMessage()) + ")");
    }
  }

  /** Objects merge key by key; anything else in {@code top} replaces what {@code base} has. */
  static JsonObject deepMerge(JsonObject base, JsonObject top) {
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

  private static List<Deployment> parseDeployments(JsonArray deploy, JsonObject global, Map<String, String> env) {
    if (deploy == null || deploy.isEmpty()) {
      throw new ConfigException("missing required key 'deploy' (a list of {verticle, instances})");
    }
    List<Deployment> result = new ArrayList<>();
    for (int i = 0; i < deploy.size(); i++) {
      String where = "deploy[" + i + "]";
      if (!(deploy.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException("key '" + where + "' must be an object {verticle, instances}");
      }
      Settings settings = Settings.of(entry);
      String name;
      int instances;
      try {
        name = settings.string("verticle");
        instances = settings.integer("instances", 1);
      } catch (ConfigException bad) {
        throw new ConfigException(where + ": " + bad.getMessage());
      }
      if (instances < 1) {
        throw new ConfigException("key '" + where + ".instances' must be at least 1");
      }
      String className = VerticleCatalog.className(name).orElseThrow(() -> new ConfigException(
          "unknown verticle '" + name + "' in " + where + " (known: " + VerticleCatalog.knownNames() + ")"));
      JsonObject own = entry.getJsonObject("config", new JsonObject());
      JsonObject config = deepMerge(global, own);
      // The environment wins over a profile's per-verticle config too.
      applyEnvironment(config, "", env);
      config.put("verticle", new JsonObject().put("name", name).put("instances", instances));
      result.add(new Deployment(name, className, instances, config));
    }
    return result;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
