package dev.parley.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.MessageEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index on its own (no Vert.x): analysis of Korean, English and mixed text, upserts, highlights, storage. */
class SearchIndexTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final long WEEK = 7 * 24 * 3_600_000L;

  @TempDir
  Path dir;

  private SearchIndex index;
  private long nextEventId = 1;

  private SearchIndex open() throws IOException {
    index = SearchIndex.open(dir, 16);
    return index;
  }

  @AfterEach
  void close() throws IOException {
    if (index != null) {
      index.close();
    }
  }

  private MessageEvent message(String room, long seq, String text) {
    return message(room, seq, text, NOW);
  }

  private MessageEvent message(String room, long seq, String text, long ts) {
    return withFiles(room, seq, text, ts, null);
  }

  private MessageEvent withFiles(String room, long seq, String text, long ts, JsonArray attachments) {
    return new MessageEvent(nextEventId++, 0, MessageEvent.CREATED, ts, room, "group", seq, "7", text, ts, null, false,
        attachments, null, null, null);
  }

  private static JsonArray files(String... names) {
    JsonArray attachments = new JsonArray();
    for (String name : names) {
      attachments.add(new JsonObject().put("id", "1-" + name.hashCode()).put("name", name)
          .put("contentType", "application/pdf").put("size", 1000));
    }
    return attachments;
  }

  private void index(MessageEvent... events) throws IOException {
    index.apply(List.of(events));
    index.refreshBlocking();
  }

  private List<String> find(String query, String... rooms) throws IOException {
    return index.search(query, Set.of(rooms), 20, NOW, WEEK).stream().map(SearchIndex.Hit::id).toList();
  }

  @Test
  void aBotsMessageIsABotsHit() throws IOException {
    open();
    index(new MessageEvent(nextEventId++, 0, MessageEvent.CREATED, NOW, "1", "group", 1, "9", "deploy finished", NOW,
        null, false, null, null, null, null, true), message("1", 2, "deploy started"));
    List<SearchIndex.Hit> hits = index.search("deploy", Set.of("1"), 20, NOW, WEEK);
    assertThat(hits).extracting(SearchIndex.Hit::seq, SearchIndex.Hit::bot)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1L, true), org.assertj.core.groups.Tuple.tuple(2L, false));
  }

  @Test
  void messagesAreFoundByTheNamesOfTheirAttachmentsAndHitsCarryThem() throws IOException {
    open();
    index(withFiles("1", 1, "", NOW, files("quarterly-budget_2026.xlsx")),
        withFiles("1", 2, "the slides for Monday", NOW, files("roadmap.pdf", "team photo.png")),
        message("1", 3, "no files here, just a budget talk"),
        withFiles("2", 1, "", NOW, files("roadmap.pdf")));

    assertThat(find("quarterly", "1")).as("a message with no text").containsExactly("1-1");
    assertThat(find("quarterly-budget_2026.xlsx", "1")).as("the whole file name").containsExactly("1-1");
    assertThat(find("budget", "1")).as("text or file name").containsExactlyInAnyOrder("1-1", "1-3");
    assertThat(find("roadmap.pdf", "1")).as("only the rooms searched").containsExactly("1-2");
    assertThat(find("slides photo", "1")).as("words from the text and a file name").containsExactly("1-2");
    assertThat(find("roadmap budget", "1")).as("every word must match").isEmpty();

    SearchIndex.Hit hit = index.search("photo", Set.of("1"), 20, NOW, WEEK).get(0);
    assertThat(hit.attachments()).isEqualTo(files("roadmap.pdf", "team photo.png"));
    assertThat(hit.highlight()).as("the text, unmarked: the match is in a file name").isEqualTo("the slides for Monday");
    assertThat(index.search("talk", Set.of("1"), 20, NOW, WEEK).get(0).attachments()).isNull();

    index(withFiles("1", 2, "the slides for Monday", NOW, null));
    assertThat(find("roadmap", "1")).as("an edit's snapshot replaces the file names too").isEmpty();
  }

  @Test
  void koreanIsMatchedByMorpheme() throws IOException {
    open();
    index(message("1", 1, "서버가 느려요"), message("1", 2, "검색했습니다"), message("1", 3, "검색엔진을 새로 만들었어요"),
        message("1", 4, "데이터베이스 연결이 끊겼습니다"), message("1", 5, "점심 뭐 먹을까요"));

    assertThat(find("서버", "1")).containsExactly("1-1");
    assertThat(find("검색", "1")).containsExactlyInAnyOrder("1-2", "1-3");
    assertThat(find("엔진", "1")).as("compound nouns are split").containsExactly("1-3");
    assertThat(find("데이터베이스", "1")).containsExactly("1-4");
    assertThat(find("연결", "1")).containsExactly("1-4");
    assertThat(find("서버가 느려요", "1")).as("a whole sentence as the query").containsExactly("1-1");
    assertThat(find("느리다", "1")).as("the verb stem, any ending").containsExactly("1-1");
    assertThat(find("서버 점심", "1")).as("every word must match").isEmpty();
    assertThat(find("서버 | 점심", "1")).containsExactlyInAnyOrder("1-1", "1-5");
  }

  @Test
  void englishIsStemmedCaseFoldedAndStopWordsIgnored() throws IOException {
    open();
    index(message("1", 1, "The servers are RUNNING slowly"), message("1", 2, "I deployed the new build"),
        message("1", 3, "Café opens at nine, John's treat"), message("1", 4, "server-side rendering"));

    assertThat(find("server", "1")).containsExactlyInAnyOrder("1-1", "1-4");
    assertThat(find("Servers run", "1")).containsExactly("1-1");
    assertThat(find("DEPLOYING", "1")).containsExactly("1-2");
    assertThat(find("cafe john", "1")).as("accents folded, possessive dropped").containsExactly("1-3");
    assertThat(find("the", "1")).as("only stop words").isEmpty();
    assertThat(find("\"new build\"", "1")).as("phrase").containsExactly("1-2");
    assertThat(find("\"build new\"", "1")).isEmpty();
    assertThat(find("deplo*", "1")).as("prefix").containsExactly("1-2");
    assertThat(find("server -rendering", "1")).containsExactly("1-1");
  }

  @Test
  void mixedKoreanAndEnglishText() throws IOException {
    open();
    index(message("1", 1, "오늘 deploy 했는데 servers가 느려요"), message("1", 2, "Kafka 클러스터에 연결할 수 없음"),
        message("1", 3, "서버error 났어요"));

    assertThat(find("deploying", "1")).containsExactly("1-1");
    assertThat(find("server 느려요", "1")).containsExactly("1-1");
    assertThat(find("kafka 연결", "1")).containsExactly("1-2");
    assertThat(find("KAFKA", "1")).containsExactly("1-2");
    assertThat(find("서버", "1")).as("Hangul and Latin split where the script changes").containsExactly("1-3");
    assertThat(find("errors", "1")).containsExactly("1-3");
  }

  @Test
  void highlightsMarkTheMatchedTermsInEscapedText() throws IOException {
    open();
    index(message("1", 1, "서버가 느려요"), message("1", 2, "<b>Servers</b> & RUNNING"));

    SearchIndex.Hit korean = index.search("서버", Set.of("1"), 20, NOW, WEEK).get(0);
    assertThat(korean.highlight()).isEqualTo("<mark>서버</mark>가 느려요");
    assertThat(korean.text()).isEqualTo("서버가 느려요");
    SearchIndex.Hit english = index.search("server run", Set.of("1"), 20, NOW, WEEK).get(0);
    assertThat(english.highlight())
        .isEqualTo("&lt;b&gt;<mark>Servers</mark>&lt;&#x2F;b&gt; &amp; <mark>RUNNING</mark>");
    assertThat(english.seq()).isEqualTo(2);
    assertThat(english.senderId()).isEqualTo("7");
    assertThat(english.ts()).isEqualTo(NOW);
  }

  @Test
  void onlyTheGivenRoomsAreSearched() throws IOException {
    open();
    index(message("1", 1, "release notes"), message("2", 1, "release party"), message("3", 1, "release date"));

    assertThat(find("release", "1", "3")).containsExactlyInAnyOrder("1-1", "3-1");
    assertThat(find("release")).isEmpty();
  }

  @Test
  void newerMessagesRankFirstAmongEqualMatches() throws IOException {
    open();
    index(message("1", 1, "standup notes", NOW - 30 * WEEK), message("1", 2, "standup notes", NOW - 60_000),
        message("1", 3, "standup notes", NOW - WEEK));

    assertThat(find("standup", "1")).containsExactly("1-2", "1-3", "1-1");
  }

  @Test
  void eventsAreUpsertsEditsReplaceDeletesRemoveAndRepeatsChangeNothing() throws IOException {
    open();
    MessageEvent created = message("1", 1, "first draft");
    index(created, created, message("1", 2, "keep me"));
    assertThat(find("draft", "1")).containsExactly("1-1");

    MessageEvent edited = new MessageEvent(nextEventId++, 0, MessageEvent.EDITED, NOW, "1", "group", 1, "7",
        "final version", NOW, NOW + 5, false);
    index(edited, edited);
    assertThat(find("draft", "1")).isEmpty();
    assertThat(find("final", "1")).containsExactly("1-1");

    MessageEvent deleted = new MessageEvent(nextEventId++, 0, MessageEvent.DELETED, NOW, "1", "group", 1, "7", null, NOW,
        NOW + 5, true);
    index(deleted, created, deleted);
    assertThat(find("final", "1")).isEmpty();
    assertThat(find("draft", "1")).isEmpty();
    assertThat(index.documents()).isEqualTo(1);
  }

  @Test
  void theCommitKeepsTheStreamPositionAcrossRestarts() throws IOException {
    assertThat(open().found()).isEqualTo(SearchEngine.Found.MISSING);
    index(message("1", 1, "persisted"));
    index.commit(null);
    index.close();
    assertThat(open().found()).as("a commit without position is an unfinished build").isEqualTo(SearchEngine.Found.MISSING);
    assertThat(index.documents()).isZero();

    index(message("1", 1, "persisted"), message("1", 2, "not committed yet"));
    index.commit(new StreamPosition(new long[] {42L, 9L}, List.of("stream-a", "stream-b")));
    index(message("1", 3, "lost with the process"));
    index.close();

    assertThat(open().found()).isEqualTo(SearchEngine.Found.READY);
    assertThat(index.openedPosition().watermarks()).containsExactly(42L, 9L);
    assertThat(index.openedPosition().identities()).as("the streams the position belongs to")
        .containsExactly("stream-a", "stream-b");
    index.refreshBlocking();
    assertThat(find("persisted", "1")).containsExactly("1-1");
    assertThat(find("process", "1")).isEmpty();
  }

  @Test
  void anIndexOfAnotherSchemaIsBuiltAgain() throws IOException {
    open();
    index(message("1", 1, "from before file names were indexed"));
    index.commit(new StreamPosition(new long[] {42L}, List.of("stream-a")));
    index.close();
    assertThat(open().found()).isEqualTo(SearchEngine.Found.READY);
    index.close();

    // A commit as the previous schema wrote it: a position and no schema.
    try (Directory directory = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
      writer.setLiveCommitData(Map.of(SearchIndex.WATERMARK, "42", SearchIndex.IDENTITY, "stream-a")
          .entrySet());
      writer.commit();
    }
    assertThat(open().found()).as("no schema: built again").isEqualTo(SearchEngine.Found.MISSING);
    assertThat(index.documents()).isZero();
  }

  @Test
  void aCorruptIndexIsWipedAndStartsEmpty() throws IOException {
    open();
    index(message("1", 1, "soon unreadable"));
    index.commit(new StreamPosition(new long[] {7L}, List.of("stream-a")));
    index.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      }
    }

    assertThat(open().found()).isEqualTo(SearchEngine.Found.CORRUPT);
    assertThat(index.openedPosition()).isNull();
    assertThat(index.documents()).isZero();
    index(message("1", 2, "usable again"));
    assertThat(find("usable", "1")).containsExactly("1-2");
  }
}
