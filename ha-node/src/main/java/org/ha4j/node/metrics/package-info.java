/**
 * Micrometer meter binders for the parts of a node: register them in the application's own {@code
 * MeterRegistry}. Micrometer is an optional dependency of ha-node; an application that does not use
 * these classes does not need it on its class path.
 *
 * <pre>{@code
 * new VrrpMetrics(node::instances).bindTo(registry);
 * new ProxyMetrics(proxy).bindTo(registry);
 * new HealthMetrics(node::probes).bindTo(registry);
 * }</pre>
 *
 * <p>After a reload, call each binder's {@link
 * org.ha4j.node.metrics.RefreshableMeterBinder#refresh() refresh()} (or call it before each
 * scrape): the series then follow what runs now.
 *
 * <p>Every meter is read from the snapshots the parts already keep, when the registry is scraped:
 * binding adds no work on the packet or session paths.
 */
package org.ha4j.node.metrics;
