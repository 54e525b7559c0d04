package dev.parley.node;

import dev.parley.contract.Addresses;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
      "notifier", "dev.parley.notifier.NotifierVerticle",
      "hooks", "dev.parley.hooks.HooksVerticle"));

  /**
   * The services each verticle cannot work without, somewhere in the cluster (search is optional: without a
   * search node, searches answer 503).
   */
  private static final Map<String, Set<String>> NEEDS = Map.of(
      "http", Set.of("persistence", "rooms"),
      "socket", Set.of("persistence", "rooms"),
      "rooms", Set.of("persistence"),
      "search", Set.of("persistence", "rooms"),
      "notifier", Set.of("persistence"),
      "hooks", Set.of("persistence"),
      "persistence", Set.of());

  /** The address that shows a service runs on a node: one every instance of it consumes. */
  private static final Map<String, String> SERVICE_ADDRESSES = Map.of(
      "persistence", Addresses.PERSISTENCE_SEND,
      "rooms", Addresses.ROOMS);

  private VerticleCatalog() {
  }

  /** Service name -> its address, for every service the named verticles need (sorted by name). */
  static Map<String, String> needs(Collection<String> verticles) {
    Map<String, String> needed = new TreeMap<>();
    for (String verticle : verticles) {
      NEEDS.getOrDefault(verticle, Set.of()).forEach(service -> needed.put(service, SERVICE_ADDRESSES.get(service)));
    }
    return needed;
  }

  static Optional<String> className(String name) {
    return Optional.ofNullable(CLASSES.get(name));
  }

  static String knownNames() {
    return String.join(", ", CLASSES.keySet());
  }
}
