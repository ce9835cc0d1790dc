/**
 * nginx's balancing methods as pure code: a {@link org.ha4j.proxy.balance.BalancingStrategy}
 * (stateless factory) makes a {@link org.ha4j.proxy.balance.Selector} per upstream configuration;
 * time comes in as an argument, randomness is injected, nothing here does I/O or reads a clock.
 */
package org.ha4j.proxy.balance;
