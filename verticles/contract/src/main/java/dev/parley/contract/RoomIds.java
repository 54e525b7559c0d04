package dev.parley.contract;

import java.util.regex.Pattern;

/**
 * Room ids are positive numbers written the one way MySQL gives them back ("5", never "05" or "+5"). A bridge
 * address is a room only in that form: "chat.room.05" would name room 5 to the rooms verticle and yet be a
 * second clustered consumer and a second stream here.
 */
public final class RoomIds {

  private static final Pattern CANONICAL = Pattern.compile("[1-9][0-9]{0,17}");

  private RoomIds() {
  }

  public static boolean canonical(String roomId) {
    return roomId != null && CANONICAL.matcher(roomId).matches();
  }
}
