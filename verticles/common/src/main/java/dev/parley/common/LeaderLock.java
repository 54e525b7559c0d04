package dev.parley.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Exactly one of these in the cluster does it": a MySQL named lock ({@code GET_LOCK(name, 0)}) held on a dedicated
 * connection. Whoever holds it leads; the lock is released the moment its connection closes (its node died, or
 * was cut off), and another instance takes it within {@code retryMs}. The holder pings the connection every
 * {@code pingMs} and resigns when it fails, so it stops leading at most that long after MySQL let go.
 *
 * <p>Each lead is a term: {@link Listener#leading} gets its number and {@link #holds} answers whether that term
 * still leads, so work started in an old term stops by itself. Used by the outbox relay (one per database) and the
 * hooks verticle (one deliverer per cluster).
 */
public final class LeaderLock {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderLock.class);

  /** Told when this instance starts and stops leading. */
  public interface Listener {
    void leading(long term);

    void resigned(String why);
  }

  private final Vertx vertx;
  private final MySQLConnectOptions connectOptions;
  private final String name;
  private final long retryMs;
  private final long pingMs;
  private final Listener listener;
  private MySQLConnection lock;
  private boolean leader;
  private boolean stopped;
  private long term;
  private long pingTimer = -1;

  public LeaderLock(Vertx vertx, MySQLConnectOptions connectOptions, String name, long retryMs, long pingMs,
      Listener listener) {
    this.vertx = vertx;
    this.connectOptions = connectOptions;
    this.name = name;
    this.retryMs = retryMs;
    this.pingMs = pingMs;
    this.listener = listener;
  }

  /** The connection to lock on of the {@code mysql} config section (shard 0 when there are several). */
  public static MySQLConnectOptions connectOptions(Settings settings) {
    return new MySQLConnectOptions()
        .setHost(settings.string("mysql.host"))
        .setPort(settings.port("mysql.port"))
        .setUser(settings.string("mysql.user"))
        .setPassword(settings.string("mysql.password", ""))
        .setDatabase(settings.string("mysql.database"));
  }

  /** Seeks the lock now and, until it is held, every {@code retryMs}. */
  public void start() {
    seek();
  }

  /** Whether {@code myTerm} still leads. */
  public boolean holds(long myTerm) {
    return leader && term == myTerm && !stopped;
  }

  /** Gives the lock up; it is sought again after {@code retryMs} unless stopped. */
  public void resign(String why) {
    if (!leader) {
      return;
    }
    leader = false;
    term++;
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
      pingTimer = -1;
    }
    MySQLConnection held = lock;
    lock = null;
    if (held != null) {
      held.close();
    }
    listener.resigned(why);
    later(this::seek);
  }

  public void stop() {
    stopped = true;
    resign("stopping");
  }

  private void seek() {
    if (stopped || leader) {
      return;
    }
    MySQLConnection.connect(vertx, connectOptions)
        .compose(connection -> connection.preparedQuery("SELECT GET_LOCK(?, 0) AS got").execute(Tuple.of(name))
            .compose(rows -> {
              Integer got = rows.iterator().next().getInteger("got");
              if (got != null && got == 1 && !stopped) {
                return Future.succeededFuture(connection);
              }
              return connection.close().transform(closed -> Future.<MySQLConnection>succeededFuture(null));
            }, failure -> connection.close().transform(closed -> Future.<MySQLConnection>failedFuture(failure))))
        .onComplete(result -> {
          if (result.succeeded() && result.result() != null) {
            lead(result.result());
          } else {
            if (result.failed()) {
              LOG.debug("cannot take the lock {}: {}", name, result.cause().toString());
            }
            later(this::seek);
          }
        });
  }

  private void lead(MySQLConnection connection) {
    lock = connection;
    leader = true;
    long myTerm = ++term;
    connection.closeHandler(closed -> {
      if (holds(myTerm)) {
        resign("its lock connection closed");
      }
    });
    pingTimer = vertx.setPeriodic(pingMs, tick -> connection.query("SELECT 1").execute().onFailure(failure -> {
      if (holds(myTerm)) {
        resign("its lock connection failed: " + failure.getMessage());
      }
    }));
    listener.leading(myTerm);
  }

  private void later(Runnable action) {
    if (!stopped) {
      vertx.setTimer(retryMs, id -> action.run());
    }
  }
}
