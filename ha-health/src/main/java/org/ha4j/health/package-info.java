/**
 * Health probes (TCP, HTTP, exec, process, system resources, custom) and the rise/fall scheduler that turns their results into HealthSources. Arrives with the health issue.
 */
package org.ha4j.health;
