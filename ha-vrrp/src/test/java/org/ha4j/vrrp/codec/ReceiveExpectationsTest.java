package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

class ReceiveExpectationsTest {

  private static final Ipv4Address VIP = Ipv4Address.parse("192.168.122.100");

  @Test
  void permissiveChecksNothingButTheTtl() {
    ReceiveExpectations permissive = ReceiveExpectations.permissive();
    assertThat(permissive.acceptsVirtualRouterId(1)).isTrue();
    assertThat(permissive.acceptsVirtualRouterId(255)).isTrue();
    assertThat(permissive.virtualRouterIds()).isEmpty();
    assertThat(permissive.authentication()).isEmpty();
    assertThat(permissive.advertIntervalSeconds()).isEmpty();
    assertThat(permissive.addresses()).isEmpty();
    assertThat(permissive.localAddressOwner()).isFalse();
    assertThat(permissive.requireTtl255()).isTrue();
  }

  @Test
  void matchingTakesEverythingFromTheLocalAdvert() {
    VrrpAdvertisement lb2 =
        new VrrpAdvertisement(51, 90, VrrpAuthentication.password("1111"), 1, List.of(VIP));
    ReceiveExpectations expectations = ReceiveExpectations.matching(lb2);
    assertThat(expectations.virtualRouterIds()).containsExactly(51);
    assertThat(expectations.acceptsVirtualRouterId(52)).isFalse();
    assertThat(expectations.authentication()).contains(VrrpAuthentication.password("1111"));
    assertThat(expectations.advertIntervalSeconds()).hasValue(1);
    assertThat(expectations.addresses()).contains(List.of(VIP));
    assertThat(expectations.localAddressOwner()).isFalse();
    assertThat(ReceiveExpectations.matching(lb2.withPriority(255)).localAddressOwner()).isTrue();
    assertThat(expectations.toString()).doesNotContain("1111");
  }

  @Test
  void duplicateAddressesCollapse() {
    ReceiveExpectations expectations =
        ReceiveExpectations.builder().addresses(List.of(VIP, VIP)).build();
    assertThat(expectations.addresses()).contains(List.of(VIP));
  }

  @Test
  void outOfRangeSettingsAreRefused() {
    assertThatThrownBy(() -> ReceiveExpectations.builder().virtualRouterId(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1-255");
    assertThatThrownBy(() -> ReceiveExpectations.builder().virtualRouterId(256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReceiveExpectations.builder().advertIntervalSeconds(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1-255");
  }

  @Test
  void theBuilderCanBeReusedWithoutChangingWhatItBuilt() {
    ReceiveExpectations.Builder builder = ReceiveExpectations.builder().virtualRouterId(1);
    ReceiveExpectations first = builder.build();
    builder.virtualRouterId(2);
    assertThat(first.acceptsVirtualRouterId(2)).isFalse();
    assertThat(builder.build().acceptsVirtualRouterId(2)).isTrue();
  }
}
