package dev.parley.persistence;

import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns MySQL: the only verticle that opens a connection to it. Other verticles reach the data through the
 * persistence addresses of the contract. Several instances, on one node or many, can run side by side: every
 * invariant (unique names, per-room seq, membership at send time) is enforced by the database.
 */
public final class PersistenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PersistenceVerticle.class);
  /** MySQL's "Unknown database" error. */
  private static final int ER_BAD_DB_ERROR = 1049;

  private Pool pool;
  private MessageConsumer<JsonObject> healthCheck;
  private EventLog eventLog;
  private EventRelay relay;

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    MysqlConfig mysql = MysqlConfig.from(settings);
    pool = mysql.pool(vertx, mysql.database(), mysql.poolSize());
    return ensureDatabase(mysql)
        .compose(ready -> Migrations.apply(vertx, pool, mysql.database()))
        .compose(migrated -> Future.all(registerStores(settings)))
        .compose(stores -> HealthChecks.register(vertx, "mysql", () -> pool.query("SELECT 1").execute()))
        .compose(registered -> startRelay(settings, mysql).map(registered))
        .onSuccess(registered -> {
          healthCheck = registered;
          LOG.info("persistence verticle started on mysql {}:{}/{}", mysql.host(), mysql.port(), mysql.database());
        });
  }

  /** The event-bus handlers of each store; each future completes when its consumers are registered. */
  private java.util.List<Future<?>> registerStores(Settings settings) {
    eventLog = new EventLog(vertx, pool);
    SendBatcher batcher = new SendBatcher(vertx, pool, SendConfig.from(settings), new BatchMetrics(Meters.registry()));
    return java.util.List.of(
        new AccountsStore(vertx, pool).register(),
        new RoomsStore(vertx, pool).register(),
        new MessageStore(vertx, pool, SendConfig.from(settings), batcher).register(),
        eventLog.register(),
        new NotificationStore(vertx, pool).register());
  }

  /** The outbox relay of the message event stream (issue 6); only one instance per database relays at a time. */
  private Future<Void> startRelay(Settings settings, MysqlConfig mysql) {
    relay = new EventRelay(vertx, settings, mysql, pool, eventLog);
    return relay.start();
  }

  /** Creates the configured database on first start (each test run uses its own), then checks it answers. */
  private Future<?> ensureDatabase(MysqlConfig mysql) {
    return pool.query("SELECT 1").execute().recover(failure -> {
      if (!(failure instanceof MySQLException error) || error.getErrorCode() != ER_BAD_DB_ERROR) {
        return Future.failedFuture("mysql " + mysql.host() + ":" + mysql.port() + " is not usable: "
            + failure.getMessage());
      }
      Pool server = mysql.pool(vertx, null, 1);
      String create = "CREATE DATABASE IF NOT EXISTS `" + mysql.database().replace("`", "")
          + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";
      return server.query(create).execute()
          .eventually(server::close)
          .compose(created -> pool.query("SELECT 1").execute());
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> relayStopped = relay == null ? Future.succeededFuture() : relay.stop();
    Future<Void> unregistered = relayStopped.eventually(() -> healthCheck == null ? Future.succeededFuture()
        : HealthChecks.unregister(vertx, healthCheck));
    return unregistered.eventually(() -> pool.close());
  }
}
