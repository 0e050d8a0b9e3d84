package io.aiwatch.tool.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cost of decoding one streamed token piece as the proxy's forward loop sees it: a chunked SSE
 * response read one HTTP chunk per socket read ({@code b4\r\ndata: {...}\n\n\r\n}), and the same
 * response in 64 KiB reads. Prints nanoseconds per token chunk; compare runs only beside each other
 * on the same machine. Run: {@code java -cp target/classes:target/test-classes:$(cat cp.txt)
 * io.aiwatch.tool.openai.ResponseDecoderBench}
 */
public final class ResponseDecoderBench {
    private static final class Count implements ResponseDecoder.Sink {
        long bytes;

        @Override
        public void head(int status, List<String[]> headers) {}

        @Override
        public void content(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    public static void main(String[] args) throws IOException {
        String event = "data: {\"id\":\"chatcmpl-8e1f\",\"object\":\"chat.completion.chunk\",\"created\":1764201600,"
                + "\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}\n\n";
        int tokens = 256;
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                        + "Date: Thu, 27 Nov 2025 00:00:00 GMT\r\nServer: uvicorn\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] piece = (Integer.toHexString(event.length()) + "\r\n" + event + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] end = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] whole = new byte[head.length + tokens * piece.length + end.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        for (int i = 0; i < tokens; i++) {
            System.arraycopy(piece, 0, whole, head.length + i * piece.length, piece.length);
        }
        System.arraycopy(end, 0, whole, whole.length - end.length, end.length);
        Count sink = new Count();
        int responses = 4000;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < responses; r++) {
                ResponseDecoder d = new ResponseDecoder(false);
                d.feed(head, 0, head.length, sink);
                for (int i = 0; i < tokens; i++) {
                    d.feed(piece, 0, piece.length, sink);
                }
                d.feed(end, 0, end.length, sink);
                if (!d.done()) {
                    throw new IllegalStateException("not done");
                }
            }
            long t1 = System.nanoTime();
            for (int r = 0; r < responses; r++) {
                ResponseDecoder d = new ResponseDecoder(false);
                for (int off = 0; off < whole.length; ) {
                    off += d.feed(whole, off, Math.min(64 * 1024, whole.length - off), sink);
                }
            }
            long t2 = System.nanoTime();
            System.out.printf(
                    "round %d: per read %.1f ns/token chunk, 64 KiB reads %.1f ns/token chunk%s%n",
                    round,
                    (t1 - t0) / (double) (responses * tokens),
                    (t2 - t1) / (double) (responses * tokens),
                    round < 3 ? " (warm-up)" : "");
        }
        System.out.println("(bytes " + sink.bytes + ")");
    }
}
