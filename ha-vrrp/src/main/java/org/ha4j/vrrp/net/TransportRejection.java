package org.ha4j.vrrp.net;

/**
 * Why an advert that the codec accepted is still dropped: it depends on who sent it, which only the
 * transport's configuration knows. Everything about the packet itself (IP header, TTL, checksum,
 * authentication...) is the codec's {@code VrrpRejectReason}.
 */
public enum TransportRejection {
  /** A unicast instance received an advert from an address that is not one of its peers. */
  NOT_A_PEER,
  /** Our own advertisement, looped back. */
  OWN_ADVERTISEMENT
}
