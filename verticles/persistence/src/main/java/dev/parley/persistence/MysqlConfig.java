package dev.parley.persistence;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code mysql} config section, and the bounded connection pool built from it. {@code mysql.shards} lists the
 * shards (see {@link Shards}): each entry overrides any of host, port, user, password and database of the
 * section; an empty list means one shard, the section itself.
 */
record MysqlConfig(String host, int port, String user, String password, String database, int poolSize,
    int maxWaitQueue, int connectTimeoutMs) {

  static MysqlConfig from(Settings settings) {
    return new MysqlConfig(
        settings.string("mysql.host"),
        settings.port("mysql.port"),
        settings.string("mysql.user"),
        settings.string("mysql.password", ""),
        settings.string("mysql.database"),
        settings.integer("mysql.poolSize", 8),
        settings.integer("mysql.maxWaitQueue", 1024),
        settings.integer("mysql.connectTimeoutMs", 5000));
  }

  /** The configured shards, in their fixed order. */
  static List<MysqlConfig> shards(Settings settings) {
    MysqlConfig base = from(settings);
    List<Settings> listed = settings.sections("mysql.shards");
    if (listed.isEmpty()) {
      return List.of(base);
    }
    List<MysqlConfig> shards = listed.stream().map(shard -> new MysqlConfig(
        shard.string("host", base.host),
        shard.integer("port", base.port),
        shard.string("user", base.user),
        shard.string("password", base.password),
        shard.string("database", base.database),
        base.poolSize, base.maxWaitQueue, base.connectTimeoutMs)).toList();
    // One database twice would get two shards' room ids and two relays on one outbox.
    if (shards.stream().map(MysqlConfig::describe).distinct().count() < shards.size()) {
      throw new ConfigException("key 'mysql.shards' lists the same database twice");
    }
    return shards;
  }

  /** host:port/database, for logs and errors. */
  String describe() {
    return host + ":" + port + "/" + database;
  }

  MySQLConnectOptions connectOptions(String databaseName) {
    MySQLConnectOptions options = new MySQLConnectOptions()
        .setHost(host)
        .setPort(port)
        .setUser(user)
        .setPassword(password)
        .setCharset("utf8mb4")
        .setCollation("utf8mb4_unicode_ci")
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256);
    return databaseName == null ? options : options.setDatabase(databaseName);
  }

  /**
   * Every connection runs READ COMMITTED. The invariants never rely on gap locks: sends lock their rooms' rows
   * FOR UPDATE, and every membership change locks the room row too. Without gap (next-key) locks, concurrent
   * send batches on disjoint rooms cannot deadlock on the boundaries between rooms in the indexes.
   */
  private static void readCommitted(SqlConnection connection) {
    connection.query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").execute()
        .onComplete(done -> connection.close());
  }

  /** A pool on the configured database; waiting for a connection is bounded in count and time. */
  Pool pool(Vertx vertx, String databaseName, int size) {
    PoolOptions pool = new PoolOptions()
        .setMaxSize(size)
        .setMaxWaitQueueSize(maxWaitQueue)
        .setConnectionTimeout(connectTimeoutMs)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    return MySQLBuilder.pool()
        .with(pool)
        .with(new NetClientOptions().setConnectTimeout(connectTimeoutMs))
        .connectingTo(connectOptions(databaseName))
        .withConnectHandler(MysqlConfig::readCommitted)
        .using(vertx)
        .build();
  }
}
