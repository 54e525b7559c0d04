package dev.parley.search;

import dev.parley.contract.Addresses;
import dev.parley.contract.StreamActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.parley.common.bus.ServiceRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every stored message of one MySQL shard, page by page in (room, seq) order through persistence's {@code scan},
 * each page handed to a sink before the next is read. A page that fails is asked again until persistence answers.
 */
final class MessageScan {

  private static final Logger LOG = LoggerFactory.getLogger(MessageScan.class);

  private final Vertx vertx;
  private final ServiceRequests requests;
  private final int pageSize;
  private final Supplier<Boolean> stopped;

  MessageScan(Vertx vertx, ServiceRequests requests, int pageSize, Supplier<Boolean> stopped) {
    this.vertx = vertx;
    this.requests = requests;
    this.pageSize = pageSize;
    this.stopped = stopped;
  }

  /** Scans shard {@code shard} into {@code sink}; the future holds how many messages it handed over. */
  Future<Long> scan(int shard, Function<JsonArray, Future<Void>> sink) {
    return page(shard, 0, 0, sink, 0);
  }

  private Future<Long> page(int shard, long afterRoom, long afterSeq, Function<JsonArray, Future<Void>> sink,
      long done) {
    if (stopped.get()) {
      return Future.succeededFuture(done);
    }
    JsonObject page = new JsonObject().put("shard", shard).put("afterRoom", afterRoom).put("afterSeq", afterSeq)
        .put("limit", pageSize);
    return request(page)
        .recover(failure -> {
          LOG.warn("search: rebuild page after ({}, {}) of shard {} failed ({}); retrying", afterRoom, afterSeq, shard,
              failure.toString());
          return vertx.timer(1000).compose(waited -> request(page));
        })
        .compose(reply -> {
          JsonArray messages = reply.getJsonArray("messages");
          if (messages.isEmpty()) {
            return Future.succeededFuture(done);
          }
          return sink.apply(messages).compose(added -> {
            JsonObject last = messages.getJsonObject(messages.size() - 1);
            return messages.size() < pageSize ? Future.succeededFuture(done + messages.size())
                : page(shard, Long.parseLong(last.getString("roomId")), last.getLong("seq"), sink,
                    done + messages.size());
          });
        });
  }

  private Future<JsonObject> request(JsonObject page) {
    // A page read: safe to repeat on another persistence node.
    return requests.idempotent(Addresses.PERSISTENCE_EVENTS, StreamActions.SCAN, page);
  }
}
