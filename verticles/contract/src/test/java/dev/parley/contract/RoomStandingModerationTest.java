package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The moderation rules of {@link RoomStanding}: who may ban whom, delete what, and who slow mode spares. */
class RoomStandingModerationTest {

  private static RoomStanding as(String role) {
    return new RoomStanding(new JsonObject().put("id", "1").put("kind", "group").put("visibility", "private"), role);
  }

  @Test
  void adminsBanMembersAndOutsidersButNeitherAdminsNorTheOwner() {
    RoomStanding admin = as(RoomStanding.ADMIN);
    assertThat(admin.mayBan(RoomStanding.MEMBER)).isTrue();
    assertThat(admin.mayBan(null)).as("someone not in the room yet").isTrue();
    assertThat(admin.mayBan(RoomStanding.ADMIN)).isFalse();
    assertThat(admin.mayBan(RoomStanding.OWNER)).isFalse();
  }

  @Test
  void theOwnerBansAdminsButNobodyBansTheOwner() {
    RoomStanding owner = as(RoomStanding.OWNER);
    assertThat(owner.mayBan(RoomStanding.ADMIN)).isTrue();
    assertThat(owner.mayBan(RoomStanding.OWNER)).isFalse();
  }

  @Test
  void messagesAreDeletedByTheirAuthorOrAnAdminOfTheRoom() {
    assertThat(as(RoomStanding.MEMBER).mayDeleteMessage(true)).isTrue();
    assertThat(as(RoomStanding.MEMBER).mayDeleteMessage(false)).isFalse();
    assertThat(as(RoomStanding.ADMIN).mayDeleteMessage(false)).isTrue();
    assertThat(as(RoomStanding.OWNER).mayDeleteMessage(false)).isTrue();
    assertThat(as(null).mayDeleteMessage(true)).as("an author who left").isFalse();
  }

  @Test
  void slowModeSparesTheOwnerAndAdminsOnly() {
    assertThat(as(RoomStanding.OWNER).exemptFromSlowMode()).isTrue();
    assertThat(as(RoomStanding.ADMIN).exemptFromSlowMode()).isTrue();
    assertThat(as(RoomStanding.MEMBER).exemptFromSlowMode()).isFalse();
  }
}
