package dev.parley.search;

import dev.parley.analysis.ChatAnalyzer;
import dev.parley.contract.MessageEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.queryparser.simple.SimpleQueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene index of messages on this node's disk: one document per message, keyed by its id
 * {@code <roomId>-<seq>}, so applying an event is an upsert (edits replace, deletes remove) and applying it again
 * changes nothing. The position in the event stream up to which the index is complete is stored in the commit
 * (user data {@value #WATERMARK}, with the stream identities {@value #IDENTITY}), so after a restart the index resumes exactly from what it has durably.
 *
 * <p>Blocking (disk I/O): call it only from worker threads. Writes must come from one thread at a time;
 * searches may run concurrently with them on near-real-time readers ({@link #refresh()}).
 */
final class SearchIndex implements Closeable {

  static final String ID = "id";
  static final String ROOM = "roomId";
  static final String SEQ = "seq";
  static final String SENDER = "senderId";
  static final String TS = "ts";
  static final String TEXT = "text";
  /** The names of the message's attachments (searched with the text, not stored). */
  static final String FILES = "files";
  /** The message's attachment metadata as JSON (stored, shown in hits). */
  static final String ATTACHMENTS = "attachments";
  /** Present (true) on a message a bot sent (stored, shown in hits). */
  static final String BOT = "bot";
  /** The stream positions the commit covers, one per MySQL shard, comma-separated (shard 0 first). */
  static final String WATERMARK = "parley.watermark";
  /** The identities of the streams those positions belong to, one per shard, comma-separated. */
  static final String IDENTITY = "parley.identity";
  /**
   * The document layout ({@value #SCHEMA} in the commit): an index of another one (or none, from before file
   * names were indexed) is built again from MySQL, as OpenSearch's index of another schema version is.
   */
  static final String SCHEMA = "parley.schema";
  static final String SCHEMA_VERSION = "2";

  /** Highlight markers around matched terms; the text between them is HTML-escaped. */
  static final String MARK_START = "<mark>";
  static final String MARK_END = "</mark>";
  static final String ELLIPSIS = "…";

  private static final FieldType TEXT_TYPE = new FieldType(TextField.TYPE_STORED);
  private static final Sort RANKING = new Sort(SortField.FIELD_SCORE, new SortField(TS, SortField.Type.LONG, true),
      new SortField(SEQ, SortField.Type.LONG, true));

  static {
    // Offsets in the postings: highlighting reads them instead of analyzing the text again.
    TEXT_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
    TEXT_TYPE.freeze();
  }

  private final Path path;
  private final Analyzer analyzer = new ChatAnalyzer();
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final SearchEngine.Found found;
  private final StreamPosition position;

  private SearchIndex(Path path, Directory directory, IndexWriter writer, SearchEngine.Found found,
      StreamPosition position) throws IOException {
    this.path = path;
    this.directory = directory;
    this.writer = writer;
    this.found = found;
    this.position = position;
    this.searchers = new SearcherManager(writer, null);
  }

  /** Opens (or creates) the index at {@code path}; a missing, unfinished or corrupt one is started empty. */
  static SearchIndex open(Path path, double ramBufferMb) throws IOException {
    Files.createDirectories(path);
    Directory directory = FSDirectory.open(path);
    SearchEngine.Found found;
    StreamPosition position = null;
    try {
      if (!DirectoryReader.indexExists(directory)) {
        found = SearchEngine.Found.MISSING;
      } else {
        Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
        String stored = data.get(WATERMARK);
        if (stored == null || !SCHEMA_VERSION.equals(data.get(SCHEMA))) {
          found = SearchEngine.Found.MISSING;
        } else {
          position = StreamPosition.parse(stored, data.get(IDENTITY));
          found = SearchEngine.Found.READY;
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      found = SearchEngine.Found.CORRUPT;
    }
    if (found == SearchEngine.Found.CORRUPT) {
      wipe(path);
    }
    IndexWriter writer;
    try {
      writer = new IndexWriter(directory, config(found == SearchEngine.Found.READY
          ? IndexWriterConfig.OpenMode.CREATE_OR_APPEND
          : IndexWriterConfig.OpenMode.CREATE, ramBufferMb));
    } catch (IOException | RuntimeException unreadable) {
      // The commit point read fine but a segment it names did not: start over.
      found = SearchEngine.Found.CORRUPT;
      position = null;
      wipe(path);
      writer = new IndexWriter(directory, config(IndexWriterConfig.OpenMode.CREATE, ramBufferMb));
    }
    return new SearchIndex(path, directory, writer, found, position);
  }

  private static IndexWriterConfig config(IndexWriterConfig.OpenMode mode, double ramBufferMb) {
    return new IndexWriterConfig(new ChatAnalyzer()).setOpenMode(mode).setRAMBufferSizeMB(ramBufferMb)
        .setCommitOnClose(false);
  }

  /** Deletes every file of the index directory (nothing holds it open at this point). */
  private static void wipe(Path path) throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file)) {
          Files.delete(file);
        }
      }
    }
  }

  SearchEngine.Found found() {
    return found;
  }

  /** The stored position the index was opened with (null unless {@link SearchEngine.Found#READY}). */
  StreamPosition openedPosition() {
    return position;
  }

  Path path() {
    return path;
  }

  /** Applies events in order: the message's current state replaces its document, a tombstone removes it. */
  void apply(List<MessageEvent> events) throws IOException {
    for (MessageEvent event : events) {
      Term id = new Term(ID, event.messageId());
      if (event.deleted() || event.text() == null) {
        writer.deleteDocuments(id);
      } else {
        writer.updateDocument(id, document(event.roomId(), event.seq(), event.senderId(), event.ts(), event.text(),
            event.attachments(), event.bot()));
      }
    }
  }

  /** Removes every document (before a rebuild into an index that was complete once). */
  void clear() throws IOException {
    writer.deleteAll();
  }

  /** Adds a message known not to be in the index (a rebuild into an empty index, benchmarks). */
  void add(String roomId, long seq, String senderId, long ts, String text, JsonArray attachments, boolean bot)
      throws IOException {
    writer.addDocument(document(roomId, seq, senderId, ts, text, attachments, bot));
  }

  /** Upserts a message. */
  void put(String roomId, long seq, String senderId, long ts, String text) throws IOException {
    writer.updateDocument(new Term(ID, roomId + "-" + seq), document(roomId, seq, senderId, ts, text, null, false));
  }

  private static Document document(String roomId, long seq, String senderId, long ts, String text,
      JsonArray attachments, boolean bot) {
    Document doc = new Document();
    doc.add(new StringField(ID, roomId + "-" + seq, Field.Store.YES));
    doc.add(new StringField(ROOM, roomId, Field.Store.YES));
    doc.add(new StoredField(SEQ, seq));
    doc.add(new NumericDocValuesField(SEQ, seq));
    doc.add(new StringField(SENDER, senderId, Field.Store.YES));
    doc.add(new LongPoint(TS, ts));
    doc.add(new NumericDocValuesField(TS, ts));
    doc.add(new StoredField(TS, ts));
    doc.add(new Field(TEXT, text, TEXT_TYPE));
    if (attachments != null && !attachments.isEmpty()) {
      doc.add(new TextField(FILES, fileNames(attachments), Field.Store.NO));
      doc.add(new StoredField(ATTACHMENTS, attachments.encode()));
    }
    if (bot) {
      doc.add(new StoredField(BOT, 1));
    }
    return doc;
  }

  /** The names of attachments ({@code [{name, ...}]}), one per line: what a search by file name matches. */
  static String fileNames(JsonArray attachments) {
    return attachments.stream().map(attachment -> ((JsonObject) attachment).getString("name", ""))
        .collect(Collectors.joining("\n"));
  }

  /** Makes everything applied so far durable, with the stream position it covers (null: not complete yet). */
  void commit(StreamPosition position) throws IOException {
    Map<String, String> data = position == null ? Map.of()
        : Map.of(WATERMARK, position.watermarksText(), IDENTITY, position.identitiesText(), SCHEMA, SCHEMA_VERSION);
    writer.setLiveCommitData(data.entrySet());
    writer.commit();
  }

  boolean hasUncommittedChanges() {
    return writer.hasUncommittedChanges();
  }

  /** Lets searches see what was applied (near-real-time; no commit needed). */
  void refresh() throws IOException {
    searchers.maybeRefresh();
  }

  void refreshBlocking() throws IOException {
    searchers.maybeRefreshBlocking();
  }

  /** Live documents as searches see them now. */
  int documents() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      return searcher.getIndexReader().numDocs();
    } finally {
      searchers.release(searcher);
    }
  }

  /** One hit: the message, its attachments (null when none), whether a bot sent it, and its highlighted passage. */
  record Hit(String id, String roomId, long seq, String senderId, long ts, String text, JsonArray attachments,
      boolean bot, String highlight, float score) {
  }

  /**
   * The best {@code limit} messages of the given rooms matching {@code text} in their text or the names of their
   * attachments (simple query syntax: words must all match; {@code "a phrase"}, {@code -exclude}, {@code a | b}, {@code prefix*}), ranked by relevance times
   * recency. No rooms, or a query of stop words only, finds nothing.
   */
  List<Hit> search(String text, Collection<String> roomIds, int limit, long now, long halfLifeMs) throws IOException {
    if (roomIds.isEmpty()) {
      return List.of();
    }
    SimpleQueryParser parser = new SimpleQueryParser(analyzer, Map.of(TEXT, 1f, FILES, 1f));
    parser.setDefaultOperator(BooleanClause.Occur.MUST);
    Query matching = parser.parse(text);
    if (matching == null) {
      return List.of();
    }
    List<BytesRef> rooms = new ArrayList<>(roomIds.size());
    roomIds.forEach(room -> rooms.add(new BytesRef(room)));
    Query filtered = new BooleanQuery.Builder()
        .add(matching, BooleanClause.Occur.MUST)
        .add(new TermInSetQuery(ROOM, rooms), BooleanClause.Occur.FILTER)
        .build();
    Query ranked = FunctionScoreQuery.boostByValue(filtered, new Recency(now, halfLifeMs));
    IndexSearcher searcher = searchers.acquire();
    try {
      // Relevance times recency; exact ties (a group commit gives a batch one timestamp) newest first.
      TopDocs top = searcher.search(ranked, limit, RANKING, true);
      if (top.scoreDocs.length == 0) {
        return List.of();
      }
      UnifiedHighlighter highlighter = UnifiedHighlighter.builder(searcher, analyzer)
          .withFormatter(new DefaultPassageFormatter(MARK_START, MARK_END, ELLIPSIS, true))
          .withMaxLength(10_000)
          .build();
      String[] highlights = highlighter.highlight(TEXT, matching, top, 1);
      List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
      for (int i = 0; i < top.scoreDocs.length; i++) {
        ScoreDoc scoreDoc = top.scoreDocs[i];
        Document doc = searcher.storedFields().document(scoreDoc.doc);
        String stored = doc.get(TEXT);
        // Adjacent matched tokens (Nori splits "v2" into v and 2) read better as one marked run.
        String highlight = highlights[i] != null ? highlights[i].replace(MARK_END + MARK_START, "") : escape(stored);
        String attachments = doc.get(ATTACHMENTS);
        hits.add(new Hit(doc.get(ID), doc.get(ROOM), doc.getField(SEQ).numericValue().longValue(), doc.get(SENDER),
            doc.getField(TS).numericValue().longValue(), stored, attachments == null ? null : new JsonArray(attachments),
            doc.getField(BOT) != null, highlight, scoreDoc.score));
      }
      return hits;
    } finally {
      searchers.release(searcher);
    }
  }

  /** The escaping the highlighter applies to text around the markers. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#x27;");
        case '/' -> out.append("&#x2F;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    try {
      searchers.close();
      writer.close();
    } finally {
      directory.close();
    }
  }
}
