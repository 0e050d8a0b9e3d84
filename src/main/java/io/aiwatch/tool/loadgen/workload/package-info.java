/**
 * What is sent: prompts from datasets (ShareGPT, random, multi-turn sessions) as {@link
 * io.aiwatch.tool.loadgen.workload.Conversation}s, and the tokenizers that size them.
 */
package io.aiwatch.tool.loadgen.workload;
