package dev.parley.contract;

/**
 * Every event-bus address Parley uses. Verticles find each other only through these names.
 *
 * <p>Addresses under {@code parley.node.} are node-local (registered with {@code localConsumer}); all others
 * are clustered. Per-room and per-user addresses are built with the helpers below so that their format lives
 * in one place.
 */
public final class Addresses {

  private Addresses() {
  }

  // --- node-local: health, readiness, metrics -------------------------------------------------------------

  /** Local map in which each verticle instance lists the health-check address it answers on. */
  public static final String HEALTH_REGISTRY_MAP = "parley.node.health.registry";
  /** Prefix of the local addresses at which verticle instances answer their health checks. */
  public static final String HEALTH_CHECK_PREFIX = "parley.node.health.";
  /** Local address of the node's management verticle: answers the readiness report as JSON. */
  public static final String NODE_READY = "parley.node.ready";
  /** Local address of the node's management verticle: answers the Prometheus scrape as text. */
  public static final String NODE_METRICS = "parley.node.metrics";

  // --- clustered services -----------------------------------------------------------------------------------

  /** Persistence: store a chat message durably and assign its per-room seq. Body {@link SendMessage}. */
  public static final String PERSISTENCE_SEND = "parley.persistence.send";

  // --- rooms and messages ---------------------------------------------------------------------------------
  // Request/reply services take the operation in the ACTION header and the caller's user id in the body
  // ("userId"), which always comes from the authenticated session.

  /** Header naming the operation of a multi-operation service address. */
  public static final String ACTION = "action";
  /** Rooms verticle: room management and membership, with authorization by role. See {@link RoomActions}. */
  public static final String ROOMS = "parley.rooms";
  /** Persistence: the rooms tables (no authorization; the rooms verticle decides). */
  public static final String PERSISTENCE_ROOMS = "parley.persistence.rooms";
  /** Persistence: history, edits, deletes and read markers, authorized in SQL by membership and author. */
  public static final String PERSISTENCE_MESSAGES = "parley.persistence.messages";

  // --- fan-out -------------------------------------------------------------------------------------------

  /** The bridge-visible address of a room's event stream. */
  public static String room(String roomId) {
    return "chat.room." + roomId;
  }

  /** The bridge-visible address of a user's private event stream. */
  public static String user(String userId) {
    return "chat.user." + userId;
  }

}
