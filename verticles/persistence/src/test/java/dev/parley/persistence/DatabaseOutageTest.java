package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TcpProxy;
import dev.parley.common.testing.TestConfig;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MySQL goes away (through a proxy the test cuts) and comes back: bounded failures, no lost acks, recovery. */
class DatabaseOutageTest {

  @ParameterizedTest(name = "database {0}")
  @ValueSource(strings = {"refuses connections", "hangs"})
  void sendsFailWithinTheTimeoutAndRecoverWithoutARestart(String outage) {
    Vertx proxyVertx = Vertx.vertx();
    JsonObject config = TestConfig.config();
    JsonObject mysql = config.getJsonObject("mysql");
    TcpProxy proxy = Await.result(TcpProxy.start(proxyVertx, mysql.getString("host"), mysql.getInteger("port")));
    JsonObject viaProxy = config.copy();
    viaProxy.getJsonObject("mysql").put("port", proxy.port()).put("connectTimeoutMs", 1000);
    viaProxy.put("messages", new JsonObject().put("sendTimeoutMs", 2000));
    PersistenceFixture fixture = PersistenceFixture.deploy(viaProxy, 1);
    try {
      List<String> users = fixture.users(1);
      String room = fixture.room(users);
      List<ChatMessage> acked = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        acked.add(Await.result(fixture.send(room, users.get(0), "before-" + i, "before " + i)).body());
      }

      if (outage.equals("hangs")) {
        proxy.stall();
      } else {
        Await.result(proxy.cut());
      }
      long cutAt = System.nanoTime();
      List<Future<?>> during = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        during.add(fixture.send(room, users.get(0), "during-" + i, "during " + i)
            .onSuccess(reply -> acked.add(reply.body())));
      }
      Await.result(Future.join(during).transform(all -> Future.succeededFuture()), Duration.ofSeconds(20));
      long failedWithinMs = (System.nanoTime() - cutAt) / 1_000_000;
      List<Future<?>> failed = during.stream().filter(Future::failed).toList();
      assertThat(failed).as("no send is acknowledged while the database is away").hasSize(20);
      failed.forEach(f -> assertThat(ParleyException.from(f.cause()).code()).isEqualTo(ErrorCode.UNAVAILABLE));
      assertThat(failedWithinMs).as("failures come within the send timeout").isLessThan(5000);

      Await.result(proxy.restore());
      // The pool reconnects by itself; the first sends after the restore may still meet dead connections.
      ChatMessage after = null;
      long deadline = System.currentTimeMillis() + 15_000;
      while (after == null && System.currentTimeMillis() < deadline) {
        after = Await.result(fixture.send(room, users.get(0), "after", "after the outage").map(m -> m.body())
            .otherwiseEmpty());
      }
      assertThat(after).as("sends work again without a restart").isNotNull();
      acked.add(after);

      List<Long> stored = new ArrayList<>();
      MysqlConfig direct = MysqlConfig.from(dev.parley.common.Settings.of(config));
      io.vertx.sqlclient.Pool pool = direct.pool(proxyVertx, direct.database(), 1);
      Await.result(pool.preparedQuery("SELECT seq FROM messages WHERE room_id = ? ORDER BY seq")
          .execute(Tuple.of(Long.parseLong(room)))).forEach(row -> stored.add(row.getLong("seq")));
      assertThat(stored).as("every acknowledged message is stored")
          .containsAll(acked.stream().map(ChatMessage::seq).toList());
      assertThat(stored).as("seqs have no holes").containsExactlyElementsOf(
          java.util.stream.LongStream.rangeClosed(1, stored.size()).boxed().toList());
    } finally {
      Await.result(fixture.vertx.close());
      Await.result(dev.parley.common.testing.TestDatabases.drop(proxyVertx, config));
      Await.result(proxyVertx.close());
    }
  }
}
