package dev.parley.node;

import dev.parley.common.ConfigException;
import dev.parley.common.ConfigSources;
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

  /** One line of a profile's {@code deploy} list. */
  record Deployment(String verticle, String className, int instances, JsonObject config) {
  }

  static NodeConfig load(Path profile, Map<String, String> env) {
    JsonObject merged = readWithParents(profile, new HashSet<>());
    ConfigSources.applyEnvironment(merged, env);
    JsonArray deploy = merged.getJsonArray("deploy");
    merged.remove("deploy");
    merged.remove("extends");
    List<Deployment> deployments = parseDeployments(deploy, merged, env);
    Settings settings = Settings.of(merged);
    settings.string("cluster.name");
    settings.string("cluster.host");
    settings.port("cluster.port");
    settings.strings("cluster.members");
    settings.string("management.host");
    settings.port("management.port");
    settings.string("node.name");
    return new NodeConfig(profile, merged, deployments);
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
    return ConfigSources.deepMerge(base, json);
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
      JsonObject config = ConfigSources.deepMerge(global, own);
      // The environment wins over a profile's per-verticle config too.
      ConfigSources.applyEnvironment(config, env);
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
