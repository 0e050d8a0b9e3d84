/**
 * How it is sent and timed: the OpenAI-compatible client over the NIO HTTP/1.1 client or the JDK one, and
 * the per-request tracker that applies vLLM's TTFT/ITL/TPOT/E2E rules to the response.
 */
package io.aiwatch.tool.loadgen.client;
