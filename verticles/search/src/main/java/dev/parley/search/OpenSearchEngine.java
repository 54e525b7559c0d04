package dev.parley.search;

import dev.parley.contract.MessageEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine on an OpenSearch cluster. Messages live in a physical index {@code <index>-<time>} behind the alias
 * {@code <index>} that queries use; documents are keyed {@code <roomId>-<seq>}, routed by room id, and written
 * with the event id as external version, so replays and catch-ups are idempotent and an older event never
 * overwrites a newer state. The stream position of each physical index is a document of {@code <index>-state},
 * written after the bulk requests it covers succeeded.
 *
 * <p>A rebuild fills a new physical index from MySQL; a live one ({@link #startRebuild} with {@code live})
 * meanwhile writes the stream to both indices while the old one keeps serving. {@link #finishRebuild} switches
 * the alias in one atomic request and deletes the old index: queries never see a missing or half-built index.
 */
final class OpenSearchEngine implements SearchEngine {

  private static final Logger LOG = LoggerFactory.getLogger(OpenSearchEngine.class);
  private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final SearchSettings options;
  private final OpenSearchSettings cluster;
  private final OpenSearchHttp http;
  private final String alias;
  private final String stateIndex;
  /** The physical index the alias names (null before the first build). */
  private String serving;
  /** The index being built, or null. */
  private String building;
  /** Where applied events go: the serving index, the one being built, or both. */
  private List<String> targets = List.of();
  private Future<Void> lastApply = Future.succeededFuture();
  private StreamPosition saved;

  OpenSearchEngine(Vertx vertx, SearchSettings options, OpenSearchSettings cluster) {
    this.options = options;
    this.cluster = cluster;
    this.http = new OpenSearchHttp(vertx, cluster);
    this.alias = cluster.index();
    this.stateIndex = cluster.index() + "-state";
  }

  @Override
  public String name() {
    return "opensearch";
  }

  /** The {@code opensearch} readiness check: the cluster answers and every shard has a copy (not red). */
  Future<?> check() {
    return http.json("GET", "/_cluster/health", null).compose(reply -> OpenSearchHttp.expectOk(reply, "health"))
        .compose(health -> "red".equals(health.getString("status"))
            ? Future.failedFuture("cluster " + health.getString("cluster_name") + " is red")
            : Future.succeededFuture());
  }

  @Override
  public Future<Opened> open() {
    return ensureStateIndex()
        .compose(ready -> http.json("GET", "/_alias/" + alias, null))
        .compose(reply -> {
          if (reply.status() == 404) {
            return Future.succeededFuture(new Opened(Found.MISSING, null));
          }
          return OpenSearchHttp.expectOk(reply, "reading alias " + alias).compose(indices -> {
            serving = indices.fieldNames().iterator().next();
            targets = List.of(serving);
            return http.json("GET", "/" + stateIndex + "/_doc/" + serving, null).map(this::opened);
          });
        })
        .onSuccess(opened -> LOG.info("search: OpenSearch {} alias {} -> {} ({})", cluster.hosts(), alias, serving,
            opened.found()));
  }

  private Opened opened(OpenSearchHttp.Reply state) {
    JsonObject source = state.body().getJsonObject("_source");
    if (!state.ok() || source == null || source.getInteger("schema", 0) != OpenSearchSchema.VERSION) {
      return new Opened(Found.MISSING, null);
    }
    StreamPosition position = StreamPosition.parse(source.getString("watermarks"), source.getString("identities"));
    saved = position;
    return new Opened(Found.READY, position);
  }

  private Future<Void> ensureStateIndex() {
    return http.json("PUT", "/" + stateIndex, OpenSearchSchema.stateIndex(cluster)).compose(reply ->
        reply.ok() || alreadyExists(reply) ? Future.succeededFuture()
            : OpenSearchHttp.expectOk(reply, "creating " + stateIndex).mapEmpty());
  }

  private static boolean alreadyExists(OpenSearchHttp.Reply reply) {
    JsonObject error = reply.body().getJsonObject("error");
    return reply.status() == 400 && error != null && "resource_already_exists_exception".equals(error.getString("type"));
  }

  // --- writes -------------------------------------------------------------------------------------------------

  @Override
  public Future<Void> apply(List<MessageEvent> events) {
    List<String> into = targets;
    StringBuilder bulk = new StringBuilder(events.size() * 200);
    for (String index : into) {
      events.forEach(event -> OpenSearchSchema.eventLines(bulk, index, event));
    }
    Future<Void> applied = bulk(bulk, events.size() * into.size());
    lastApply = applied.otherwiseEmpty();
    return applied;
  }

  @Override
  public Future<Void> addScanned(JsonArray messages, long version) {
    StringBuilder bulk = new StringBuilder(messages.size() * 200);
    for (int i = 0; i < messages.size(); i++) {
      OpenSearchSchema.messageLines(bulk, building, messages.getJsonObject(i), version);
    }
    return bulk(bulk, messages.size());
  }

  /**
   * Sends one bulk request; fails unless every action succeeded or lost to a newer version (409: the index
   * already holds a later state) or deleted nothing (404).
   */
  private Future<Void> bulk(StringBuilder lines, int actions) {
    if (actions == 0) {
      return Future.succeededFuture();
    }
    return http.ndjson("/_bulk", Map.of(), lines.toString())
        .compose(reply -> OpenSearchHttp.expectOk(reply, "bulk"))
        .compose(answer -> {
          if (!answer.getBoolean("errors", false)) {
            return Future.succeededFuture();
          }
          JsonArray items = answer.getJsonArray("items");
          for (int i = 0; i < items.size(); i++) {
            JsonObject result = items.getJsonObject(i).stream().findFirst()
                .map(entry -> (JsonObject) entry.getValue()).orElseThrow();
            int status = result.getInteger("status");
            if (status >= 300 && status != 409 && status != 404) {
              JsonObject error = result.getJsonObject("error", new JsonObject());
              return Future.failedFuture("bulk: " + result.getString("_id") + " in " + result.getString("_index")
                  + ": HTTP " + status + " " + error.getString("type") + ": " + error.getString("reason"));
            }
          }
          return Future.succeededFuture();
        });
  }

  // --- rebuilds -----------------------------------------------------------------------------------------------

  @Override
  public Future<Void> startRebuild(boolean live) {
    if (live && serving == null) {
      return Future.failedFuture("there is no index serving yet");
    }
    String name = alias + "-" + LocalDateTime.now(ZoneOffset.UTC).format(SUFFIX) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    return http.json("PUT", "/" + name, OpenSearchSchema.index(cluster, options.refreshMs()))
        .compose(reply -> OpenSearchHttp.expectOk(reply, "creating index " + name))
        .map(created -> {
          dropBuilding();
          building = name;
          targets = live ? List.of(serving, name) : List.of(name);
          LOG.info("search: building OpenSearch index {}{}", name, live ? " while " + serving + " serves" : "");
          return null;
        });
  }

  /** A build that was started before (and failed, or was interrupted) is not kept. */
  private void dropBuilding() {
    if (building != null) {
      String abandoned = building;
      http.json("DELETE", "/" + abandoned, null).onFailure(failure -> LOG.warn("search: could not delete {}: {}",
          abandoned, failure.toString()));
    }
  }

  @Override
  public Future<Void> finishRebuild(StreamPosition position) {
    String built = building;
    String previous = serving;
    JsonArray actions = new JsonArray();
    if (previous != null) {
      actions.add(new JsonObject().put("remove", new JsonObject().put("index", previous).put("alias", alias)));
    }
    actions.add(new JsonObject().put("add", new JsonObject().put("index", built).put("alias", alias)));
    return http.json("POST", "/" + built + "/_refresh", null)
        .compose(reply -> OpenSearchHttp.expectOk(reply, "refreshing " + built))
        .compose(refreshed -> store(built, position))
        .compose(stored -> http.json("POST", "/_aliases", new JsonObject().put("actions", actions)))
        .compose(reply -> OpenSearchHttp.expectOk(reply, "switching alias " + alias + " to " + built))
        .compose(switched -> {
          serving = built;
          building = null;
          // Until the switch the stream went to both indices (a failed switch leaves the old one complete); the
          // old one is deleted only after the write in flight to it is done, or that write would create it anew.
          targets = List.of(built);
          LOG.info("search: alias {} now names {}{}", alias, built, previous == null ? "" : " (was " + previous + ")");
          if (previous == null) {
            return Future.<Void>succeededFuture();
          }
          return lastApply.compose(done -> http.json("DELETE", "/" + previous, null))
              .compose(reply -> http.json("DELETE", "/" + stateIndex + "/_doc/" + previous, null)).<Void>mapEmpty();
        })
        .onFailure(failure -> {
          if (built != null && built.equals(building)) {
            dropBuilding();
            building = null;
            targets = serving == null ? List.of() : List.of(serving);
          }
        });
  }

  @Override
  public Future<Void> save(StreamPosition position) {
    if (position.equals(saved) || serving == null) {
      return Future.succeededFuture();
    }
    return store(serving, position);
  }

  private Future<Void> store(String index, StreamPosition position) {
    JsonObject state = new JsonObject().put("watermarks", position.watermarksText())
        .put("identities", position.identitiesText()).put("schema", OpenSearchSchema.VERSION)
        .put("savedAt", System.currentTimeMillis());
    return http.json("PUT", "/" + stateIndex + "/_doc/" + index, state)
        .compose(reply -> OpenSearchHttp.expectOk(reply, "storing the position of " + index))
        .map(stored -> {
          if (index.equals(serving) || index.equals(building)) {
            saved = position;
          }
          return null;
        });
  }

  // --- queries ------------------------------------------------------------------------------------------------

  @Override
  public Future<List<SearchIndex.Hit>> search(String text, Collection<String> roomIds, int limit, long now,
      long halfLifeMs) {
    if (roomIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    // A few rooms: ask only their shards.
    Map<String, String> query = roomIds.size() <= 32 ? Map.of("routing", String.join(",", roomIds)) : Map.of();
    return http.json("POST", "/" + alias + "/_search", query,
            OpenSearchSchema.query(text, roomIds, limit, now, halfLifeMs, cluster.maxRoomsPerTerms()))
        .compose(reply -> OpenSearchHttp.expectOk(reply, "search"))
        .map(OpenSearchSchema::hits);
  }

  @Override
  public Future<Void> close(StreamPosition position) {
    Future<Void> stored = position == null || serving == null ? Future.succeededFuture() : save(position);
    return stored.eventually(http::close);
  }
}
