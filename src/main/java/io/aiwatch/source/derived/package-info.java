/**
 * Derived readings: collectors whose source is the store itself, joining what other collectors
 * published (GPU energy and processes, discovered vLLM servers and their token counters) into
 * numbers no single source has. They read only {@code collect} and the sources' typed details;
 * like every collector they run on their own thread, never on a scrape.
 */
package io.aiwatch.source.derived;
