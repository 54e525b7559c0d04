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
  /** Prefix of each node's own clustered consumer (+ node id) that answers at once: "can I reach it". */
  public static final String NODE_PING_PREFIX = "parley.node.ping.";

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

  /**
   * Events for one user's sockets ({@link UserEvent}), published here for every user: each socket verticle
   * instance has one consumer and picks its local users' events. Clients see them on {@link #user(String)}.
   */
  public static final String USER_EVENTS = "parley.events.users";

  /** The address of a room's event stream ({@link RoomEvent}); bridge clients register on it. */
  public static String room(String roomId) {
    return "chat.room." + roomId;
  }

  /** The bridge-visible name of a user's private stream; servers publish {@link UserEvent}s to {@link #USER_EVENTS}. */
  public static String user(String userId) {
    return "chat.user." + userId;
  }

  // --- accounts and sessions (issue 3) -------------------------------------------------------------------
  // Request/reply services of the persistence verticle (the only owner of the users, auth_sessions and
  // refresh_tokens tables). Bodies and replies are JSON objects; ids are strings; times epoch ms. Failures are
  // ParleyExceptions (409 conflict for a taken username, 401 for an unusable refresh token, 404, 400).
  // Password hashes travel only between the HTTP verticle and persistence, never to a client.

  /**
   * Create a user with its first login session. Body {@code {username, displayName, passwordHash, sessionId,
   * refreshTokenHash, refreshExpiresAt}}; reply {@code {user: {id, username, displayName}}}.
   */
  public static final String ACCOUNTS_REGISTER = "parley.accounts.register";
  /**
   * Look a user up for login. Body {@code {username}} (any case); reply {@code {found: false}} or
   * {@code {found: true, user: {id, username, displayName}, passwordHash}}.
   */
  public static final String ACCOUNTS_CREDENTIALS = "parley.accounts.credentials";
  /** Open a login session. Body {@code {userId, sessionId, refreshTokenHash, refreshExpiresAt}}; reply {@code {}}. */
  public static final String ACCOUNTS_OPEN_SESSION = "parley.accounts.session.open";
  /**
   * Rotate a refresh token (single use). Body {@code {refreshTokenHash, newRefreshTokenHash, newRefreshExpiresAt}};
   * reply {@code {outcome: "rotated", sessionId, user}} or, when the token had been used already,
   * {@code {outcome: "reused", sessionId, userId}} after the whole session was revoked. Unknown, expired, or of a
   * revoked session: fails 401.
   */
  public static final String ACCOUNTS_REFRESH = "parley.accounts.refresh";
  /**
   * Revoke a login session in MySQL (the authority). Body {@code {sessionId}}; reply {@code {sessionId, userId,
   * revoked}} ({@code revoked} false when it already was). Callers then announce it on {@link #SESSION_REVOKED};
   * {@code dev.parley.common.auth.SessionGuard#revoke} does both.
   */
  public static final String ACCOUNTS_REVOKE_SESSION = "parley.accounts.session.revoke";
  /** Is a login session still active. Body {@code {sessionId}}; reply {@code {sessionId, active, userId?}}. */
  public static final String ACCOUNTS_SESSION_STATUS = "parley.accounts.session.status";
  /** One user's public profile. Body {@code {userId}}; reply {@code {id, username, displayName}}; fails 404. */
  public static final String USERS_GET = "parley.accounts.users.get";
  /**
   * Users whose username starts with a prefix (case-insensitive), by username. Body {@code {prefix, limit}};
   * reply {@code {users: [{id, username, displayName}]}}.
   */
  public static final String USERS_SEARCH = "parley.accounts.users.search";

  /**
   * Broadcast (publish, clustered) when a login session is revoked (logout, refresh-token reuse), after MySQL and
   * Redis say so. Body {@code {sessionId, userId}}. Every node's session caches drop the session at once; the
   * socket layer closes that session's sockets.
   */
  public static final String SESSION_REVOKED = "parley.sessions.revoked";

  // --- message event stream, search and notifications (issue 6) ----------------------------------------------
  // Every committed message, edit and delete is a row of the outbox table message_events (written in the same
  // transaction). The persistence side relays the rows in id order to Kafka (topic <kafka.topicPrefix> +
  // MESSAGE_EVENTS_TOPIC, keyed by room id) or, without Kafka, publishes them on MESSAGE_EVENTS. Consumers keep
  // their own watermark (an event id) and catch up from MySQL through PERSISTENCE_EVENTS.

  /** Published (clustered) batches of the message event stream when Kafka is off. Body {@link MessageEvents}. */
  public static final String MESSAGE_EVENTS = "parley.events.messages";
  /** Suffix of the Kafka topic of the message event stream; the topic is {@code kafka.topicPrefix} + this. */
  public static final String MESSAGE_EVENTS_TOPIC = "messages";
  /** Persistence: the outbox for stream consumers (catch-up, rebuilds, watermarks). See {@link StreamActions}. */
  public static final String PERSISTENCE_EVENTS = "parley.persistence.events";
  /** Persistence: stored notifications and room mutes. See {@link NotificationActions}. */
  public static final String PERSISTENCE_NOTIFICATIONS = "parley.persistence.notifications";
  /** Persistence: push subscriptions (Web Push endpoints, push gateways). See {@link PushActions}. */
  public static final String PERSISTENCE_PUSH = "parley.persistence.push";
  /**
   * Published (clustered) by persistence after a user's notification preferences changed. Body {@code {userId}}:
   * each notifier instance (one consumer each) drops its cached copy.
   */
  public static final String PREFERENCES_CHANGED = "parley.events.preferences";
  /**
   * Published (clustered) by persistence when a read marker moved. Body {@code {userId, roomId, seq}}: the
   * notifier drops pushes still waiting for that room (one consumer per notifier instance, not per room).
   */
  public static final String READ_MARKERS = "parley.events.reads";
  /**
   * Search verticle: a full-text query for a user. Body {@code {userId, q, roomId?, limit?}}; reply
   * {@code {hits: [{roomId, seq, senderId, text, ts, highlight}]}}. Fails 400 (field q/limit/roomId), 404 for a
   * private room the user cannot see, 503 while the index is being rebuilt.
   */
  public static final String SEARCH = "parley.search";

  /**
   * Search verticle (issue 20): rebuild the index from MySQL into a new one while the current one keeps serving
   * and following the stream, then switch to it (the OpenSearch engine: a new index behind the alias). Body
   * {@code {}}; reply {@code {engine, messages}} once the new index serves. Fails 503 while the index is not
   * following the stream or a reindex runs, and on the Lucene engine (which rebuilds in place). Operators reach
   * it as {@code POST /search/reindex} on any node's management port.
   */
  public static final String SEARCH_REINDEX = "parley.search.reindex";

  // --- attachments (issue 12) ------------------------------------------------------------------------------
  // The bytes go from the HTTP verticle straight to the blob store (local disk or S3); only their metadata
  // travels here, to the persistence verticle that keeps it on the room's shard.

  /** Persistence: attachment metadata, authorized in SQL by membership. See {@link AttachmentActions}. */
  public static final String PERSISTENCE_ATTACHMENTS = "parley.persistence.attachments";

  // --- moderation and administration (issue 14) -------------------------------------------------------------

  /** Persistence: blocks, reports, account deactivation and the audit. See {@link ModerationActions}. */
  public static final String PERSISTENCE_MODERATION = "parley.persistence.moderation";
  /**
   * Published (clustered) by persistence after a user blocked or unblocked someone. Body {@code {userId}} (the
   * blocker): each socket verticle instance (one consumer each) drops its cached copy of that user's blocks.
   */
  public static final String BLOCKS_CHANGED = "parley.events.blocks";
  /** Persistence: bots, bot tokens, incoming and outgoing webhooks. See {@link IntegrationActions}. */
  public static final String PERSISTENCE_INTEGRATIONS = "parley.persistence.integrations";
  /**
   * Published (clustered) when an outgoing hook is created, deleted or disabled: {@code {hookId, roomId}}. The
   * hooks verticle reloads its hooks.
   */
  public static final String HOOKS_CHANGED = "parley.events.hooks";
  /**
   * Only the delivering hooks instance consumes it: {@code {hookId, roomId}}; it reloads its hooks and answers
   * once they are in place. A create or delete answers its client after that, so every event committed after
   * the answer is matched against the change (the {@link #HOOKS_CHANGED} announcement alone could reach the
   * deliverer after the room's next events, and a new hook then missed them).
   */
  public static final String HOOKS_RELOAD = "parley.hooks.reload";
}
