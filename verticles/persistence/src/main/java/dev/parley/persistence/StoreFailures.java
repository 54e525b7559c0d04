package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.VertxException;
import io.vertx.mysqlclient.MySQLException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a caller hears when a store operation fails. Contract errors pass through; the database being away,
 * slow or overloaded is {@code unavailable} (safe to retry); anything else is a bug, logged here in full and
 * reported only as {@code internal}.
 */
final class StoreFailures {

  private static final Logger LOG = LoggerFactory.getLogger(StoreFailures.class);

  private StoreFailures() {
  }

  static ParleyException toClient(Throwable failure) {
    if (failure instanceof ParleyException parley) {
      return parley;
    }
    if (failure instanceof MySQLException sql) {
      if (isTransient(sql)) {
        return unavailable(failure);
      }
      LOG.error("database rejected a statement", failure);
      return new ParleyException(ErrorCode.INTERNAL, "internal error");
    }
    // Connection refused, closed or timed out, pool wait queue full: the database is away or overloaded.
    if (failure instanceof VertxException || failure instanceof IOException || !(failure instanceof Exception)) {
      return unavailable(failure);
    }
    LOG.error("unexpected failure in persistence", failure);
    return new ParleyException(ErrorCode.INTERNAL, "internal error");
  }

  private static ParleyException unavailable(Throwable failure) {
    LOG.warn("database unavailable: {}", failure.toString());
    return ParleyException.unavailable("the database is unavailable, retry");
  }

  /** Deadlocks, lock waits, too many connections, server going away: retrying later can work. */
  private static boolean isTransient(MySQLException sql) {
    return switch (sql.getErrorCode()) {
      case 1205, 1213, 1040, 1053, 2006, 2013 -> true;
      default -> false;
    };
  }
}
