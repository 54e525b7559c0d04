package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;

/** Ids arrive as strings (the wire contract); inside they are numbers. A malformed id names nothing. */
final class Ids {

  private Ids() {
  }

  /** A room, user or other id; anything that is not a positive number is "not found", like an unknown id. */
  static long parse(String id, String what) {
    if (id != null && !id.isEmpty() && id.length() <= 19) {
      try {
        long value = Long.parseLong(id);
        if (value > 0) {
          return value;
        }
      } catch (NumberFormatException notANumber) {
        // falls through to not_found
      }
    }
    throw new ParleyException(ErrorCode.NOT_FOUND, "no such " + what);
  }
}
