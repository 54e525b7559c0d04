package dev.parley.node;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The verticles a profile may name. The launcher deploys them by class name, so it never links against their
 * code: moving a verticle to another node is a change of profile, not of code.
 */
final class VerticleCatalog {

  private static final Map<String, String> CLASSES = new TreeMap<>(Map.of(
      "http", "dev.parley.http.HttpVerticle",
      "socket", "dev.parley.socket.SocketVerticle",
      "rooms", "dev.parley.rooms.RoomsVerticle",
      "persistence", "dev.parley.persistence.PersistenceVerticle",
      "search", "dev.parley.search.SearchVerticle",
      "notifier", "dev.parley.notifier.NotifierVerticle"));

  private VerticleCatalog() {
  }

  static Optional<String> className(String name) {
    return Optional.ofNullable(CLASSES.get(name));
  }

  static String knownNames() {
    return String.join(", ", CLASSES.keySet());
  }
}
