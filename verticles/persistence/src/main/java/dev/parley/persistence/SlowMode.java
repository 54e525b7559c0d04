package dev.parley.persistence;

import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomStanding;

/**
 * Slow mode of a room: a member other than the owner and admins may send one message per
 * {@code slowModeSeconds}. Decided by the send transaction under the room lock, from the member's last send
 * time that the same transactions write, so two sends in the same second cannot both pass on any node.
 */
final class SlowMode {

  static final int MAX_SECONDS = 3600;

  private SlowMode() {
  }

  /** Milliseconds the member must still wait before sending, 0 when the send may go ahead. */
  static long waitMillis(int slowModeSeconds, String role, Long lastSentAt, long now) {
    if (slowModeSeconds <= 0 || lastSentAt == null || new RoomStanding(null, role).exemptFromSlowMode()) {
      return 0;
    }
    return Math.max(0, lastSentAt + slowModeSeconds * 1000L - now);
  }

  /** The 429 for a send refused by slow mode, with Retry-After in whole seconds (rounded up). */
  static ParleyException refusal(int slowModeSeconds, long waitMillis) {
    return ParleyException.rateLimited("slow mode: one message per " + slowModeSeconds + " s in this room",
        (waitMillis + 999) / 1000);
  }
}
