package dev.parley.socket;

import io.vertx.core.Future;

/**
 * Whose presence (online/offline, lastSeen) a user may see. Presence only ever travels on rooms: a
 * {@code presence} event is published on the subject's rooms and a snapshot ({@code chat.presence}) lists a room
 * the viewer registered as a member, so only users who share a room with the subject get it. On top of that
 * this decides per viewer and subject: a user who blocked another is not shown to them ({@link BlockedPresence}).
 */
interface PresenceVisibility {

  /** Everyone who shares a room sees each other (tests; the verticle applies users' blocks, {@link BlockedPresence}). */
  PresenceVisibility NO_BLOCKS = (viewerId, subjectId) -> Future.succeededFuture(true);

  /** True when {@code viewerId} may see {@code subjectId}'s presence (they already share a room). */
  Future<Boolean> visible(String viewerId, String subjectId);
}
