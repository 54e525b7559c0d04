package dev.parley.contract;

import static dev.parley.contract.NotificationLevel.ALL;
import static dev.parley.contract.NotificationLevel.MENTIONS;
import static dev.parley.contract.NotificationLevel.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole matrix: user level x room level (or default) x direct x mention, each cell written out. */
class NotificationLevelTest {

  /** user, room (null = default), direct, mentioned -> notifies. */
  private record Cell(NotificationLevel user, NotificationLevel room, boolean direct, boolean mentioned,
      boolean notifies) {
  }

  private static final List<Cell> MATRIX = List.of(
      // Group rooms, room default: the user's level decides.
      new Cell(ALL, null, false, false, true),
      new Cell(ALL, null, false, true, true),
      new Cell(MENTIONS, null, false, false, false),
      new Cell(MENTIONS, null, false, true, true),
      new Cell(NONE, null, false, false, false),
      new Cell(NONE, null, false, true, false),
      // Direct rooms, room default: always, whatever the user's level.
      new Cell(ALL, null, true, false, true),
      new Cell(ALL, null, true, true, true),
      new Cell(MENTIONS, null, true, false, true),
      new Cell(MENTIONS, null, true, true, true),
      new Cell(NONE, null, true, false, true),
      new Cell(NONE, null, true, true, true),
      // A room's own level overrides the user's, in group and direct rooms alike.
      new Cell(NONE, ALL, false, false, true),
      new Cell(MENTIONS, ALL, false, false, true),
      new Cell(ALL, ALL, true, false, true),
      new Cell(ALL, MENTIONS, false, false, false),
      new Cell(ALL, MENTIONS, false, true, true),
      new Cell(NONE, MENTIONS, false, true, true),
      new Cell(MENTIONS, MENTIONS, true, false, false),
      new Cell(MENTIONS, MENTIONS, true, true, true),
      new Cell(ALL, NONE, false, false, false),
      new Cell(ALL, NONE, false, true, false),
      new Cell(MENTIONS, NONE, true, false, false),
      new Cell(ALL, NONE, true, true, false));

  @Test
  void everyCellOfTheMatrix() {
    List<String> wrong = new ArrayList<>();
    for (Cell cell : MATRIX) {
      if (NotificationLevel.notifies(cell.user(), cell.room(), cell.direct(), cell.mentioned()) != cell.notifies()) {
        wrong.add(cell.toString());
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void theMatrixCoversEveryCombination() {
    assertThat(MATRIX.stream().map(c -> List.of(c.user(), String.valueOf(c.room()), c.direct(), c.mentioned()))
        .distinct().count()).isEqualTo(MATRIX.size());
    for (NotificationLevel user : NotificationLevel.values()) {
      for (boolean direct : new boolean[] {false, true}) {
        for (boolean mentioned : new boolean[] {false, true}) {
          assertThat(MATRIX).anyMatch(c -> c.user() == user && c.room() == null && c.direct() == direct
              && c.mentioned() == mentioned);
        }
      }
    }
  }

  @Test
  void levelsParseFromTheWireOnly() {
    assertThat(NotificationLevel.parse("mentions", "level")).isEqualTo(MENTIONS);
    assertThatThrownBy(() -> NotificationLevel.parse("ALL", "level")).isInstanceOf(ParleyException.class)
        .extracting(e -> ((ParleyException) e).field()).isEqualTo("level");
    assertThatThrownBy(() -> NotificationLevel.parse(null, "level")).isInstanceOf(ParleyException.class);
  }
}
