package dev.parley.socket;

import java.util.TreeMap;

/**
 * Where one socket stands in one room's message stream. Message events reach a socket in seq order with no
 * holes and no repeats: an event past a hole waits in {@code pending} while the hole is filled from history
 * (two writers' events can cross on the bus; a resume reads a backlog), and anything at or below
 * {@code last} was delivered already.
 */
final class RoomCursor {

  /** The last seq delivered; -1 until the first one (a fresh socket starts from what happens next). */
  long last = -1;
  /**
   * The room's last seq read right after this socket subscribed (-1 when unknown): a client that resumes from
   * it or above has nothing to read from history, what came since arrives live.
   */
  long start = -1;
  /** Message frames above a hole, by seq. */
  final TreeMap<Long, Frame> pending = new TreeMap<>();
  /** A history read for this room is under way; events wait in pending meanwhile. */
  boolean filling;
}
