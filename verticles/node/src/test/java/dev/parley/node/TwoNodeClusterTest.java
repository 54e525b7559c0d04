package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.SendMessage;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes, each with its own Vert.x and Hazelcast member, talking over the clustered event bus. */
class TwoNodeClusterTest {

  private static final String ADDRESS = "parley.test.echo." + TestConfig.RUN_ID;
  private static Node first;
  private static Node second;
  private static Map<String, String> firstEnv;

  @BeforeAll
  static void start() {
    firstEnv = TestConfig.environment();
    Map<String, String> secondEnv = new HashMap<>(firstEnv);
    secondEnv.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    secondEnv.put("PARLEY_HTTP_PORT", String.valueOf(TestConfig.freePort()));
    // Search only needs its index directory: no shared state between the two nodes besides the cluster.
    first = TestNodes.start("[{\"verticle\": \"search\"}]", firstEnv);
    secondEnv.put("PARLEY_SEARCH_INDEXPATH", TestConfig.tempDir("second-index").toString());
    second = TestNodes.start("[{\"verticle\": \"search\"}]", secondEnv);
  }

  @AfterAll
  static void stop() {
    Await.result(second.stop());
    Await.result(first.stop());
  }

  @Test
  void requestReplyCrossesNodesThroughTheContractCodecs() {
    MessageConsumer<SendMessage> consumer = first.vertx().eventBus().consumer(ADDRESS, this::store);
    Await.result(consumer.completion());
    try {
      SendMessage send = new SendMessage("42", "7", "c-1", "서버가 느려요 <b>\"quoted\"</b> 🚀", 3L);

      Message<ChatMessage> reply = Await.result(second.vertx().eventBus().request(ADDRESS, send));

      assertThat(reply.body()).isEqualTo(new ChatMessage(
          "1001", "42", 1, "7", "서버가 느려요 <b>\"quoted\"</b> 🚀", 1_700_000_000_000L, "c-1", 3L, null, false));
    } finally {
      Await.result(consumer.unregister());
    }
  }

  @Test
  void contractErrorsKeepTheirCodeAndFieldAcrossNodes() {
    MessageConsumer<SendMessage> consumer = first.vertx().eventBus().consumer(ADDRESS, request ->
        ParleyException.badRequest("text", "text must not be empty").failReply(request));
    Await.result(consumer.completion());
    try {
      Throwable failure = Await.failure(second.vertx().eventBus()
          .request(ADDRESS, new SendMessage("42", "7", "c-2", " ", null)));

      ParleyException error = ParleyException.from(failure);
      assertThat(error.code()).isEqualTo(ErrorCode.BAD_REQUEST);
      assertThat(error.field()).isEqualTo("text");
      assertThat(error.getMessage()).isEqualTo("text must not be empty");
    } finally {
      Await.result(consumer.unregister());
    }
  }

  @Test
  void readinessReportsAClusterOfTwo() {
    Vertx client = Vertx.vertx();
    try {
      JsonObject report = Await.result(WebClient.create(client)
          .get(Integer.parseInt(firstEnv.get("PARLEY_MANAGEMENT_PORT")), "127.0.0.1", "/ready").send())
          .bodyAsJsonObject();
      assertThat(report.getJsonObject("checks").getJsonObject("cluster").getInteger("members")).isEqualTo(2);
    } finally {
      Await.result(client.close());
    }
  }

  private void store(Message<SendMessage> request) {
    SendMessage send = request.body();
    request.reply(new ChatMessage("1001", send.roomId(), 1, send.senderId(), send.text(), 1_700_000_000_000L,
        send.clientMsgId(), send.replyTo(), null, false));
  }
}
