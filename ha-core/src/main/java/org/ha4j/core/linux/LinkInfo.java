package org.ha4j.core.linux;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One network interface as rtnetlink reports it ({@code RTM_NEWLINK}, {@code struct ifinfomsg}).
 *
 * @param index interface index
 * @param name interface name ({@code IFLA_IFNAME})
 * @param hardwareAddress the MAC ({@code IFLA_ADDRESS}); empty for interfaces without one
 * @param flags {@code ifi_flags} ({@code IFF_*}, netdevice(7))
 * @param deleted true when this came from an {@code RTM_DELLINK} notification
 */
public record LinkInfo(int index, String name, byte[] hardwareAddress, int flags, boolean deleted) {

  public LinkInfo {
    Objects.requireNonNull(name, "name");
    hardwareAddress = hardwareAddress.clone();
  }

  @Override
  public byte[] hardwareAddress() {
    return hardwareAddress.clone();
  }

  /**
   * Whether the interface can carry traffic: administratively up ({@code IFF_UP}) and with carrier
   * ({@code IFF_RUNNING}, which the kernel clears when the link or the veth peer goes down).
   */
  public boolean isUp() {
    return !deleted
        && (flags & LinuxConstants.Rtnetlink.IFF_UP) != 0
        && (flags & LinuxConstants.Rtnetlink.IFF_RUNNING) != 0;
  }

  /** The MAC as {@code aa:bb:cc:dd:ee:ff}. */
  public String hardwareAddressText() {
    return HexFormat.ofDelimiter(":").formatHex(hardwareAddress);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkInfo other
        && other.index == index
        && other.name.equals(name)
        && Arrays.equals(other.hardwareAddress, hardwareAddress)
        && other.flags == flags
        && other.deleted == deleted;
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, name, Arrays.hashCode(hardwareAddress), flags, deleted);
  }

  @Override
  public String toString() {
    return name
        + "#"
        + index
        + (isUp() ? " up" : " down")
        + " "
        + hardwareAddressText()
        + String.format(" flags=0x%x", flags)
        + (deleted ? " deleted" : "");
  }
}
