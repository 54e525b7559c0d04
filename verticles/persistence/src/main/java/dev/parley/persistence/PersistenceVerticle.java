package dev.parley.persistence;

import dev.parley.common.ConfigException;
import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns MySQL: the only verticle that opens a connection to it. Other verticles reach the data through the
 * persistence addresses of the contract. Several instances, on one node or many, can run side by side: every
 * invariant (unique names, per-room seq, membership at send time) is enforced by the database. With several
 * shards ({@link Shards}) every instance talks to all of them and routes each request by room.
 */
public final class PersistenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PersistenceVerticle.class);
  /** MySQL's "Unknown database" error. */
  private static final int ER_BAD_DB_ERROR = 1049;

  private Shards shards;
  private MessageConsumer<JsonObject> healthCheck;
  private final List<EventRelay> relays = new ArrayList<>();

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    List<Shards.Shard> opened = new ArrayList<>();
    for (MysqlConfig mysql : MysqlConfig.shards(settings)) {
      opened.add(new Shards.Shard(opened.size(), mysql, mysql.pool(vertx, mysql.database(), mysql.poolSize())));
    }
    shards = new Shards(opened);
    // Shards are prepared one after the other: two shards may share a server, and its logs stay readable.
    Future<Void> prepared = Future.succeededFuture();
    for (Shards.Shard shard : shards.all()) {
      prepared = prepared.compose(previous -> prepare(shard));
    }
    return prepared
        .compose(ready -> Future.all(registerStores(settings)))
        .compose(stores -> HealthChecks.register(vertx, "mysql", () -> shards.everywhere(shard ->
            shard.pool().query("SELECT 1").execute())))
        .compose(registered -> Future.all(relays.stream().map(EventRelay::start).toList()).map(registered))
        .onSuccess(registered -> {
          healthCheck = registered;
          LOG.info("persistence verticle started on mysql {}",
              String.join(", ", shards.all().stream().map(shard -> shard.mysql().describe()).toList()));
        });
  }

  private Future<Void> prepare(Shards.Shard shard) {
    return ensureDatabase(shard.mysql(), shard.pool())
        .compose(ready -> Migrations.apply(vertx, shard.pool(), shard.mysql().database()))
        .compose(migrated -> ensureRoomIds(shard));
  }

  /** The event-bus handlers of each store; each future completes when its consumers are registered. */
  private List<Future<?>> registerStores(Settings settings) {
    Pool global = shards.global().pool();
    SendConfig sendConfig = SendConfig.from(settings);
    BatchMetrics batchMetrics = new BatchMetrics(Meters.registry());
    List<SendBatcher> batchers = new ArrayList<>();
    List<EventLog> logs = new ArrayList<>();
    for (Shards.Shard shard : shards.all()) {
      batchers.add(new SendBatcher(vertx, shard.pool(), sendConfig, batchMetrics));
      EventLog log = new EventLog(shard.index(), shards.count(), shard.pool());
      logs.add(log);
      relays.add(new EventRelay(vertx, settings, shard.mysql(), shard.pool(), log));
    }
    return List.of(
        new AccountsStore(vertx, global).register(),
        new RoomsStore(vertx, shards, RoomCaps.from(settings)).register(),
        new MessageStore(vertx, shards, sendConfig, batchers).register(),
        EventLog.register(vertx, logs),
        new NotificationStore(vertx, shards).register(),
        new AttachmentStore(vertx, shards).register(),
        new ModerationStore(vertx, shards).register(),
        new IntegrationStore(vertx, shards).register(),
        new PushSubscriptionStore(vertx, global, settings.integer("push.maxSubscriptionsPerUser", 10)).register());
  }

  /**
   * Shard k's rooms take ids from {@code k * 2^40 + 1}: the rooms table's AUTO_INCREMENT is moved there while
   * the table holds no room of that range yet. Rooms of another shard's range mean the shard list was reordered,
   * which would send requests to the wrong database: the start stops.
   */
  private Future<Void> ensureRoomIds(Shards.Shard shard) {
    return shard.pool().query("SELECT MIN(id) AS min_id, MAX(id) AS max_id FROM rooms").execute().compose(rows -> {
      Row row = rows.iterator().next();
      Long min = row.getLong("min_id");
      Long max = row.getLong("max_id");
      if (min != null && (Shards.indexOf(min) != shard.index() || Shards.indexOf(max) != shard.index())) {
        int other = Shards.indexOf(min) != shard.index() ? Shards.indexOf(min) : Shards.indexOf(max);
        return Future.failedFuture(new ConfigException("key 'mysql.shards': shard " + shard.index() + " ("
            + shard.mysql().describe() + ") holds rooms of shard " + other
            + "; the order of the shards must not change once rooms exist"));
      }
      if (shard.index() == 0 || max != null) {
        return Future.succeededFuture();
      }
      return shard.pool().query("ALTER TABLE rooms AUTO_INCREMENT = " + shard.firstRoomId()).execute().mapEmpty();
    });
  }

  /** Creates the configured database on first start (each test run uses its own), then checks it answers. */
  private Future<Void> ensureDatabase(MysqlConfig mysql, Pool pool) {
    return pool.query("SELECT 1").execute().recover(failure -> {
      if (!(failure instanceof MySQLException error) || error.getErrorCode() != ER_BAD_DB_ERROR) {
        return Future.failedFuture("mysql " + mysql.describe() + " is not usable: " + failure.getMessage());
      }
      Pool server = mysql.pool(vertx, null, 1);
      String create = "CREATE DATABASE IF NOT EXISTS `" + mysql.database().replace("`", "")
          + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";
      return server.query(create).execute()
          .eventually(server::close)
          .compose(created -> pool.query("SELECT 1").execute());
    }).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    Future<?> relaysStopped = Future.join(relays.stream().map(EventRelay::stop).toList());
    Future<?> unregistered = relaysStopped.eventually(() -> healthCheck == null ? Future.succeededFuture()
        : HealthChecks.unregister(vertx, healthCheck));
    return unregistered.eventually(() -> shards == null ? Future.succeededFuture()
        : Future.join(shards.all().stream().map(shard -> shard.pool().close()).toList()));
  }
}
