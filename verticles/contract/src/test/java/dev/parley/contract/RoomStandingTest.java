package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The one 404/403 rule and the role checks built on it. */
class RoomStandingTest {

  private static RoomStanding standing(String visibility, String role) {
    return new RoomStanding(new JsonObject().put("id", "5").put("visibility", visibility), role);
  }

  @Test
  void membersPassAndOutsidersOfAPublicRoomAreForbidden() {
    assertThat(RoomStanding.refusal(true, true, true)).isNull();
    assertThat(RoomStanding.refusal(true, false, true)).isNull();
    assertThat(RoomStanding.refusal(true, true, false).code()).isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  void aPrivateRoomDoesNotExistForOutsiders() {
    assertThat(RoomStanding.refusal(true, false, false).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(RoomStanding.refusal(false, false, false).code()).isEqualTo(ErrorCode.NOT_FOUND);
    // Nothing about a missing room leaks, whatever the caller passes for it.
    assertThat(RoomStanding.refusal(false, true, true).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(RoomStanding.refusal(true, false, false).getMessage())
        .isEqualTo(RoomStanding.refusal(false, false, false).getMessage());
  }

  @Test
  void requireMemberAppliesTheSameRule() {
    assertThat(standing("private", "member").requireMember().member()).isTrue();
    assertThatThrownBy(() -> standing("private", null).requireMember())
        .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> standing("public", null).requireMember())
        .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(standing("public", null).requireVisible().isPublic()).isTrue();
  }

  @Test
  void rolesAboveMember() {
    assertThatThrownBy(() -> standing("public", "member").requireAdmin())
        .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(standing("public", "admin").requireAdmin().admin()).isTrue();
    assertThatThrownBy(() -> standing("public", "admin").requireOwner())
        .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(standing("private", "owner").mayRemove("admin")).isTrue();
    assertThat(standing("private", "admin").mayRemove("admin")).isFalse();
    assertThat(standing("private", "admin").mayRemove("owner")).isFalse();
    assertThat(standing("private", "admin").mayGrant("member")).isTrue();
    assertThat(standing("private", "admin").mayGrant("admin")).isFalse();
  }
}
