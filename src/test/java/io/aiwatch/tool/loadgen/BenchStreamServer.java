package io.aiwatch.tool.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A one-thread OpenAI-compatible streaming server for client benchmarks: it answers
 * /v1/completions with max_tokens chunks, the first after TTFT and the rest ITL apart, using
 * almost no CPU, so that the client's own overhead shows. Not a model of an inference engine.
 * Run: java -cp target/test-classes:target/classes io.aiwatch.tool.loadgen.BenchStreamServer PORT TTFT_MS ITL_MS
 */
public final class BenchStreamServer implements Runnable {
    private static final Pattern MAX = Pattern.compile("\"max_(?:completion_)?tokens\"\\s*:\\s*(\\d+)");
    private final ServerSocketChannel server;
    private final Selector selector;
    private final long ttftNanos;
    private final long itlNanos;
    private final PriorityQueue<Conn> due = new PriorityQueue<>((a, b) -> Long.compare(a.next, b.next));

    BenchStreamServer(int port, long ttftMs, long itlMs) throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        ttftNanos = ttftMs * 1_000_000;
        itlNanos = itlMs * 1_000_000;
    }

    public static void main(String[] args) throws IOException {
        new BenchStreamServer(Integer.parseInt(args[0]), Long.parseLong(args[1]), Long.parseLong(args[2])).run();
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    @Override
    public void run() {
        try {
            while (server.isOpen()) {
                long wait = due.isEmpty() ? 100 : Math.max(0, (due.peek().next - System.nanoTime()) / 1_000_000);
                if (wait == 0) {
                    selector.selectNow();
                } else {
                    selector.select(wait);
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            Conn c = new Conn(ch);
                            c.key = ch.register(selector, SelectionKey.OP_READ, c);
                        }
                    } else {
                        Conn c = (Conn) k.attachment();
                        if (k.isWritable()) {
                            c.flush();
                        }
                        if (k.isValid() && k.isReadable()) {
                            c.read();
                        }
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                while (!due.isEmpty() && due.peek().next <= now) {
                    due.poll().tick(now);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        int tokens;
        int sent;
        long next;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void read() throws IOException {
            int n;
            try {
                n = ch.read(in);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                close();
                return;
            }
            String s = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
            int head = s.indexOf("\r\n\r\n");
            if (head < 0) {
                return;
            }
            Matcher cl = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(s.substring(0, head));
            int len = cl.find() ? Integer.parseInt(cl.group(1)) : 0;
            if (in.position() < head + 4 + len) {
                return;
            }
            String body = s.substring(head + 4, head + 4 + len);
            in.clear();
            Matcher m = MAX.matcher(body);
            tokens = m.find() ? Integer.parseInt(m.group(1)) : 16;
            if (!body.contains("\"stream\":true")) {
                String json = "{\"choices\":[{\"index\":0,\"text\":\"" + "x ".repeat(tokens)
                        + "\"}],\"usage\":{\"prompt_tokens\":8," + "\"completion_tokens\":" + tokens + "}}";
                write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
                        + "\r\n\r\n" + json);
                return;
            }
            write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            sent = 0;
            next = System.nanoTime() + ttftNanos;
            due.add(this);
        }

        void tick(long now) throws IOException {
            if (!ch.isOpen()) {
                return;
            }
            chunk("data: {\"choices\":[{\"index\":0,\"text\":\" tok\"}]}\n\n");
            sent++;
            if (sent < tokens) {
                next += itlNanos;
                due.add(this);
                return;
            }
            chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":" + tokens + "}}\n\n");
            chunk("data: [DONE]\n\n");
            write("0\r\n\r\n");
        }

        private void chunk(String data) throws IOException {
            write(Integer.toHexString(data.length()) + "\r\n" + data + "\r\n");
        }

        private void write(String s) throws IOException {
            out.add(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
            flush();
        }

        void flush() throws IOException {
            try {
                while (!out.isEmpty()) {
                    ch.write(out.peek());
                    if (out.peek().hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        return;
                    }
                    out.poll();
                }
                key.interestOps(SelectionKey.OP_READ);
            } catch (IOException e) {
                close();
            }
        }

        void close() throws IOException {
            key.cancel();
            ch.close();
        }
    }
}
