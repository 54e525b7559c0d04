package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** History paging, edits, tombstones, read markers and unread counts. */
class HistoryAndMarkersTest {

  private static PersistenceFixture fixture;
  private static List<String> users;
  private static String room;

  @BeforeAll
  static void seed() {
    fixture = PersistenceFixture.deploy(1);
    users = fixture.users(3);
    room = fixture.room(users.subList(0, 2));
    List<Future<?>> sends = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      sends.add(fixture.send(room, users.get(i % 2), "m" + i, "message " + i));
    }
    Await.result(Future.all(sends));
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void pagingBackwardsFromTheLatestWalksEverySeqOnce() {
    List<Long> seen = new ArrayList<>();
    Long before = null;
    boolean hasMore = true;
    while (hasMore) {
      JsonObject page = history(new JsonObject().put("before", before).put("limit", 73));
      List<Long> seqs = seqs(page);
      assertThat(seqs).isSorted();
      seen.addAll(0, seqs);
      before = seqs.get(0);
      hasMore = page.getBoolean("hasMore");
    }
    assertThat(seen).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.get(i)).isEqualTo(i + 1L);
    }
  }

  @Test
  void pagingForwardsFromZeroWalksEverySeqOnce() {
    List<Long> seen = new ArrayList<>();
    long after = 0;
    boolean hasMore = true;
    while (hasMore) {
      JsonObject page = history(new JsonObject().put("after", after).put("limit", 200));
      List<Long> seqs = seqs(page);
      seen.addAll(seqs);
      after = seqs.get(seqs.size() - 1);
      hasMore = page.getBoolean("hasMore");
    }
    assertThat(seen).hasSize(1000).isSorted().doesNotHaveDuplicates();
    assertThat(seen.get(999)).isEqualTo(1000L);
  }

  @Test
  void defaultPageIsTheLatestFiftyAndLimitsAreChecked() {
    JsonObject page = history(new JsonObject());
    assertThat(seqs(page)).hasSize(50).startsWith(951L).endsWith(1000L);
    assertThat(page.getBoolean("hasMore")).isTrue();

    ParleyException tooMany = ParleyException.from(Await.failure(fixture.messages(RoomActions.HISTORY,
        request().put("limit", 201))));
    assertThat(tooMany.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(tooMany.field()).isEqualTo("limit");
  }

  @Test
  void outsidersCannotReadHistory() {
    ParleyException outsider = ParleyException.from(Await.failure(fixture.messages(RoomActions.HISTORY,
        new JsonObject().put("userId", users.get(2)).put("roomId", room))));
    // A private room: the same answer as a room that does not exist.
    assertThat(outsider.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(outsider.getMessage()).isEqualTo("no such room");
  }

  @Test
  void authorEditsAndTombstonesKeepTheirSeq() {
    // The seeding sends race, so who wrote which seq is read back rather than assumed.
    long ownerSeq = seqBy(users.get(0), 10);
    long memberSeq = seqBy(users.get(1), 10);
    long ownerSeqLater = seqBy(users.get(0), 20);
    JsonObject edited = Await.result(fixture.messages(RoomActions.EDIT, request().put("seq", ownerSeq).put("text", "fixed")));
    assertThat(edited.getString("text")).isEqualTo("fixed");
    assertThat(edited.getLong("editedAt")).isNotNull();

    ParleyException notAuthor = ParleyException.from(Await.failure(fixture.messages(RoomActions.EDIT,
        new JsonObject().put("userId", users.get(1)).put("roomId", room).put("seq", ownerSeq).put("text", "mine now"))));
    assertThat(notAuthor.code()).isEqualTo(ErrorCode.FORBIDDEN);

    // users[1] wrote memberSeq; the owner (users[0]) may delete it.
    Await.result(fixture.messages(RoomActions.DELETE_MESSAGE, request().put("seq", memberSeq)));
    JsonObject fixedMessage = messageAt(ownerSeq);
    JsonObject tombstone = messageAt(memberSeq);
    assertThat(fixedMessage.getString("text")).isEqualTo("fixed");
    assertThat(tombstone.getBoolean("deleted")).isTrue();
    assertThat(tombstone.containsKey("text")).isFalse();
    assertThat(tombstone.getLong("seq")).isEqualTo(memberSeq);

    ParleyException editTombstone = ParleyException.from(Await.failure(fixture.messages(RoomActions.EDIT,
        new JsonObject().put("userId", users.get(1)).put("roomId", room).put("seq", memberSeq).put("text", "back"))));
    assertThat(editTombstone.code()).isEqualTo(ErrorCode.NOT_FOUND);
    // The member who is not the author cannot delete someone else's message.
    ParleyException memberDeletes = ParleyException.from(Await.failure(fixture.messages(RoomActions.DELETE_MESSAGE,
        new JsonObject().put("userId", users.get(1)).put("roomId", room).put("seq", ownerSeqLater))));
    assertThat(memberDeletes.code()).isEqualTo(ErrorCode.FORBIDDEN);
  }

  /** The first seq at or after {@code from} written by the user. */
  private static long seqBy(String userId, long from) {
    JsonArray page = history(new JsonObject().put("after", from - 1).put("limit", 50)).getJsonArray("messages");
    return page.stream().map(JsonObject.class::cast).filter(m -> userId.equals(m.getString("senderId")))
        .findFirst().orElseThrow().getLong("seq");
  }

  private static JsonObject messageAt(long seq) {
    return history(new JsonObject().put("after", seq - 1).put("limit", 1)).getJsonArray("messages").getJsonObject(0);
  }


  @Test
  void readMarkersOnlyMoveForwardAndUnreadFollows() {
    String reader = users.get(1);
    // A sender's marker moves to its own last message: unread counts only what came after it.
    long lastOwn = history(new JsonObject().put("limit", 50)).getJsonArray("messages").stream()
        .map(JsonObject.class::cast).filter(m -> reader.equals(m.getString("senderId")))
        .mapToLong(m -> m.getLong("seq")).max().orElseThrow();
    assertThat(unread(reader)).isEqualTo(1000L - lastOwn);
    String other = fixture.users(1).get(0);
    Await.result(fixture.rooms(RoomActions.ADD_MEMBER, new JsonObject().put("userId", users.get(0)).put("roomId", room).put("memberId", other)));
    assertThat(unread(other)).isEqualTo(1000L);

    Await.result(fixture.messages(RoomActions.READ, new JsonObject().put("userId", other).put("roomId", room).put("seq", 400)));
    assertThat(unread(other)).isEqualTo(600L);
    JsonObject back = Await.result(fixture.messages(RoomActions.READ,
        new JsonObject().put("userId", other).put("roomId", room).put("seq", 10)));
    assertThat(back.getLong("seq")).isEqualTo(400L);
    assertThat(unread(other)).isEqualTo(600L);
    // Past the end is clamped to the last message.
    Await.result(fixture.messages(RoomActions.READ, new JsonObject().put("userId", other).put("roomId", room).put("seq", 99_999)));
    assertThat(unread(other)).isZero();
  }

  private static long unread(String userId) {
    JsonObject mine = Await.result(fixture.rooms(RoomActions.LIST_MINE, new JsonObject().put("userId", userId)));
    return mine.getJsonArray("rooms").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("id").equals(room)).findFirst().orElseThrow().getLong("unread");
  }

  private static JsonObject request() {
    return new JsonObject().put("userId", users.get(0)).put("roomId", room);
  }

  private static JsonObject history(JsonObject paging) {
    JsonObject request = request();
    paging.forEach(entry -> {
      if (entry.getValue() != null) {
        request.put(entry.getKey(), entry.getValue());
      }
    });
    return Await.result(fixture.messages(RoomActions.HISTORY, request));
  }

  private static List<Long> seqs(JsonObject page) {
    return page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList();
  }
}
