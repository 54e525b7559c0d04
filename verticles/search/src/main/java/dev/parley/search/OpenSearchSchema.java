package dev.parley.search;

import dev.parley.contract.MessageEvent;
import dev.parley.analysis.ChatAnalyzer;
import dev.parley.analysis.LatinWordsFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The OpenSearch side of the index, as JSON: the index (the {@link ChatAnalyzer} chain built from the Nori
 * plugin's parts, the same fields), bulk lines, and the query with the Lucene engine's ranking and highlights.
 */
final class OpenSearchSchema {

  /** Bumped when the mapping or analysis changes: an index of another version is rebuilt. */
  static final int VERSION = 3;
  static final String ANALYZER = "parley_chat";

  private OpenSearchSchema() {
  }

  /** A new message index: routing by room id is required, so a room's messages share a shard. */
  static JsonObject index(OpenSearchSettings options, long refreshMs) {
    JsonObject analysis = new JsonObject()
        .put("tokenizer", new JsonObject().put("parley_nori", new JsonObject().put("type", "nori_tokenizer")
            .put("decompound_mode", "discard").put("discard_punctuation", true)))
        .put("analyzer", new JsonObject().put(ANALYZER, new JsonObject().put("type", "custom")
            .put("tokenizer", "parley_nori")
            .put("filter", new JsonArray().add("nori_part_of_speech").add("nori_readingform").add("lowercase")
                .add(LatinWordsFilter.NAME))));
    JsonObject properties = new JsonObject()
        .put(SearchIndex.ROOM, new JsonObject().put("type", "keyword"))
        .put(SearchIndex.SENDER, new JsonObject().put("type", "keyword"))
        .put(SearchIndex.SEQ, new JsonObject().put("type", "long"))
        .put(SearchIndex.TS, new JsonObject().put("type", "long"))
        .put(SearchIndex.TEXT, new JsonObject().put("type", "text").put("analyzer", ANALYZER)
            .put("index_options", "offsets"))
        .put(SearchIndex.FILES, new JsonObject().put("type", "text").put("analyzer", ANALYZER))
        .put(SearchIndex.ATTACHMENTS, new JsonObject().put("type", "object").put("enabled", false))
        .put(SearchIndex.BOT, new JsonObject().put("type", "boolean").put("index", false));
    return new JsonObject()
        .put("settings", new JsonObject()
            .put("index", new JsonObject().put("number_of_shards", options.shards())
                .put("number_of_replicas", options.replicas()).put("refresh_interval", refreshMs + "ms"))
            .put("analysis", analysis))
        .put("mappings", new JsonObject().put("dynamic", "strict")
            .put("_routing", new JsonObject().put("required", true))
            .put("_meta", new JsonObject().put("parley.schema", VERSION))
            .put("properties", properties));
  }

  /** Where each shard's stream position is kept: one document per message index. */
  static JsonObject stateIndex(OpenSearchSettings options) {
    return new JsonObject()
        .put("settings", new JsonObject().put("index", new JsonObject().put("number_of_shards", 1)
            .put("number_of_replicas", options.replicas())))
        .put("mappings", new JsonObject().put("dynamic", "strict").put("properties", new JsonObject()
            .put("watermarks", new JsonObject().put("type", "keyword").put("index", false))
            .put("identities", new JsonObject().put("type", "keyword").put("index", false))
            .put("schema", new JsonObject().put("type", "integer"))
            .put("savedAt", new JsonObject().put("type", "long"))));
  }

  /**
   * One bulk action per event and target index: the event id is the document's external version, so an older
   * event (a replay, a catch-up that re-reads) never overwrites a newer state, and applying one again is a no-op.
   */
  static void eventLines(StringBuilder bulk, String index, MessageEvent event) {
    String id = event.messageId();
    boolean gone = event.deleted() || event.text() == null;
    action(bulk, gone ? "delete" : "index", index, id, event.roomId(), event.id());
    if (!gone) {
      bulk.append(document(event.roomId(), event.seq(), event.senderId(), event.ts(), event.text(),
          event.attachments(), event.bot()).encode()).append('\n');
    }
  }

  /** A scanned message ({@code ChatMessage} json) at version {@code version}. */
  static void messageLines(StringBuilder bulk, String index, JsonObject message, long version) {
    String room = message.getString("roomId");
    long seq = message.getLong("seq");
    action(bulk, "index", index, room + "-" + seq, room, version);
    bulk.append(document(room, seq, message.getString("senderId"), message.getLong("ts"), message.getString("text"),
        message.getJsonArray("attachments"), message.getBoolean("bot", false)).encode()).append('\n');
  }

  private static void action(StringBuilder bulk, String op, String index, String id, String room, long version) {
    bulk.append(new JsonObject().put(op, new JsonObject().put("_index", index).put("_id", id).put("routing", room)
        .put("version", version).put("version_type", "external")).encode()).append('\n');
  }

  private static JsonObject document(String room, long seq, String sender, long ts, String text,
      JsonArray attachments, boolean bot) {
    JsonObject document = new JsonObject().put(SearchIndex.ROOM, room).put(SearchIndex.SEQ, seq)
        .put(SearchIndex.SENDER, sender).put(SearchIndex.TS, ts).put(SearchIndex.TEXT, text);
    if (attachments != null && !attachments.isEmpty()) {
      document.put(SearchIndex.FILES, SearchIndex.fileNames(attachments)).put(SearchIndex.ATTACHMENTS, attachments);
    }
    if (bot) {
      document.put(SearchIndex.BOT, true);
    }
    return document;
  }

  /**
   * The search: every word must match (simple query syntax, like the Lucene engine's parser), only the given
   * rooms ({@code terms} clauses of at most {@code maxRoomsPerTerms} ids), score = BM25 x (1 + 0.5^(age /
   * halfLife)) as in {@link Recency}, exact ties newest first, {@code <mark>} highlights over HTML-escaped text.
   */
  static JsonObject query(String text, Collection<String> roomIds, int limit, long now, long halfLifeMs,
      int maxRoomsPerTerms) {
    JsonArray rooms = new JsonArray();
    List<String> chunk = new ArrayList<>();
    for (String room : roomIds) {
      chunk.add(room);
      if (chunk.size() == maxRoomsPerTerms) {
        rooms.add(terms(chunk));
        chunk = new ArrayList<>();
      }
    }
    if (!chunk.isEmpty()) {
      rooms.add(terms(chunk));
    }
    JsonObject matching = new JsonObject().put("bool", new JsonObject()
        .put("must", new JsonObject().put("simple_query_string", new JsonObject().put("query", text)
            .put("fields", new JsonArray().add(SearchIndex.TEXT).add(SearchIndex.FILES))
            .put("default_operator", "and")))
        .put("filter", new JsonObject().put("bool", new JsonObject().put("should", rooms)
            .put("minimum_should_match", 1))));
    JsonArray recency = new JsonArray()
        .add(new JsonObject().put("weight", 1))
        .add(new JsonObject().put("exp", new JsonObject().put(SearchIndex.TS, new JsonObject().put("origin", now)
            .put("scale", Math.max(1, halfLifeMs)).put("decay", 0.5))));
    return new JsonObject()
        .put("size", limit)
        .put("track_total_hits", false)
        .put("query", new JsonObject().put("function_score", new JsonObject().put("query", matching)
            .put("functions", recency).put("score_mode", "sum").put("boost_mode", "multiply")))
        .put("sort", new JsonArray().add(new JsonObject().put("_score", "desc"))
            .add(new JsonObject().put(SearchIndex.TS, "desc")).add(new JsonObject().put(SearchIndex.SEQ, "desc")))
        .put("highlight", new JsonObject().put("encoder", "html")
            .put("pre_tags", new JsonArray().add(SearchIndex.MARK_START))
            .put("post_tags", new JsonArray().add(SearchIndex.MARK_END))
            .put("fields", new JsonObject().put(SearchIndex.TEXT, new JsonObject().put("type", "unified")
                .put("number_of_fragments", 1).put("fragment_size", 10_000))));
  }

  private static JsonObject terms(List<String> rooms) {
    return new JsonObject().put("terms", new JsonObject().put(SearchIndex.ROOM, new JsonArray(rooms)));
  }

  /** The hits of a search answer, as the Lucene engine returns them. */
  static List<SearchIndex.Hit> hits(JsonObject answer) {
    JsonArray found = answer.getJsonObject("hits").getJsonArray("hits");
    List<SearchIndex.Hit> hits = new ArrayList<>(found.size());
    for (int i = 0; i < found.size(); i++) {
      JsonObject hit = found.getJsonObject(i);
      JsonObject source = hit.getJsonObject("_source");
      String text = source.getString(SearchIndex.TEXT);
      JsonObject highlight = hit.getJsonObject("highlight");
      JsonArray fragments = highlight == null ? null : highlight.getJsonArray(SearchIndex.TEXT);
      String marked = fragments == null || fragments.isEmpty() ? SearchIndex.escape(text)
          // Adjacent matched tokens read better as one marked run, as in the Lucene engine.
          : fragments.getString(0).replace(SearchIndex.MARK_END + SearchIndex.MARK_START, "");
      Object score = hit.getValue("_score");
      hits.add(new SearchIndex.Hit(hit.getString("_id"), source.getString(SearchIndex.ROOM),
          source.getLong(SearchIndex.SEQ), source.getString(SearchIndex.SENDER), source.getLong(SearchIndex.TS), text,
          source.getJsonArray(SearchIndex.ATTACHMENTS), source.getBoolean(SearchIndex.BOT, false), marked,
          score instanceof Number number ? number.floatValue() : 0f));
    }
    return hits;
  }
}
