/**
 * The client side of the OpenAI HTTP API, shared by the measuring proxy and the load generator so
 * that both measure a response the same way: {@link io.aiwatch.tool.openai.ResponseDecoder}
 * decodes an HTTP/1.1 response incrementally (chunked, Content-Length, until close; 1xx skipped;
 * HEAD), and {@link io.aiwatch.tool.openai.StreamMeter} applies vllm bench serve's timing and
 * token rules to the body (SSE chat/completions chunks or one JSON document).
 */
package io.aiwatch.tool.openai;
