package dev.parley.common;

/** Bad or missing configuration. Its message names the key, so the node can exit with one clear line. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
