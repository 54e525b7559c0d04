package dev.parley.persistence;

import dev.parley.common.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.TimeUnit;

/** The {@code mysql} config section, and the bounded connection pool built from it. */
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
