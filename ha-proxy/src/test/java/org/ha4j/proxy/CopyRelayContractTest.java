package org.ha4j.proxy;

/** The relay contract for the portable copy relay. */
class CopyRelayContractTest extends RelayContract {

  @Override
  RelayKind relay() {
    return RelayKind.COPY;
  }
}
