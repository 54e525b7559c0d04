package dev.parley.common;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A configured public URL ({@code http.publicUrl}: where users open the page), parsed once with an error that
 * names the key. Browsers are told where things are from configuration, never from a request's Host header.
 */
public record PublicUrl(String scheme, String host, int port) {

  /** The URL under {@code key}, or null when it is unset (blank). */
  public static PublicUrl of(Settings settings, String key) {
    String value = settings.string(key, "");
    if (value.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new ConfigException("key '" + key + "' must be an absolute http or https URL, not '" + value + "'");
      }
      return new PublicUrl(scheme, uri.getHost(), uri.getPort());
    } catch (URISyntaxException malformed) {
      throw new ConfigException("key '" + key + "' must be an absolute http or https URL, not '" + value + "'");
    }
  }

  /** The host as it is written in a URL (IPv6 literals in brackets). */
  public String urlHost() {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** The browser origin of a page at this URL: scheme, host and the port only when it is not the default. */
  public String origin() {
    return scheme + "://" + urlHost() + (port < 0 ? "" : ":" + port);
  }
}
