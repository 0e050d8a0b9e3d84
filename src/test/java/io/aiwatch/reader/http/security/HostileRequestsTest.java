package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of malformed and hostile requests over raw sockets against a server configured with
 * {@link HardenedServer} and {@link WebSecurity}; afterwards a normal scrape must still get correct
 * metrics. Every hostile request must be refused (4xx or the connection closed), never answered
 * 200 or 5xx, and never leak a file.
 */
class HostileRequestsTest {
    private static final int REQUESTS = 3000;
    private static final Set<Integer> REFUSALS = Set.of(400, 401, 404, 405, 413, 414, 431, 501, 505);
    private static final String AUTH = "Authorization: Basic "
            + java.util.Base64.getEncoder().encodeToString("prometheus:scrape".getBytes(StandardCharsets.UTF_8))
            + "\r\n";

    @TempDir
    Path dir;

    @Test
    void survivesHostileTrafficAndStillServesCorrectMetrics() throws Exception {
        Path web = dir.resolve("web.yml");
        Files.writeString(
                web,
                "basic_auth_users:\n  prometheus: "
                        + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "scrape".toCharArray()) + "\n");
        HardeningConfig limits = new HardeningConfig(Duration.ofMillis(500), 8192, 64 * 1024, 128, 16, 256, 4);
        try (TestServer s = new TestServer(WebSecurity.load(Optional.of(web)), limits, null)) {
            List<byte[]> cases = hostileCases(new Random(42));
            List<Socket> sloths = slowloris(s.port(), 40);

            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> wrong = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                List<byte[]> sent = new ArrayList<>();
                for (int i = 0; i < REQUESTS; i++) {
                    byte[] req = cases.get(i % cases.size());
                    sent.add(req);
                    results.add(pool.submit(() -> send(s.port(), req)));
                }
                for (int i = 0; i < results.size(); i++) {
                    int status = results.get(i).get(30, TimeUnit.SECONDS);
                    statuses.merge(status, 1, Integer::sum);
                    if (i < cases.size() && i < 45) {
                        System.out.println("case " + i + " -> " + status + " : "
                                + printable(sent.get(i))
                                        .substring(
                                                0,
                                                Math.min(
                                                        60,
                                                        printable(sent.get(i)).length())));
                    }
                    if (status != -1 && !REFUSALS.contains(status)) {
                        wrong.add(status + " for " + printable(sent.get(i)));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.println("hostile request outcomes (status -> count, -1 = closed without answer): " + statuses);
            assertThat(wrong).as("hostile requests that were not refused").isEmpty();
            assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(REQUESTS);
            assertThat(statuses).containsKeys(400, 401, 404, 413, 431);

            for (Socket sloth : sloths) {
                assertThat(closedByServer(sloth))
                        .as("slowloris connection closed by the idle timeout")
                        .isTrue();
            }

            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> ok = http.send(
                    HttpRequest.newBuilder(URI.create(s.url("/metrics")))
                            .header("Authorization", AUTH.substring(15).trim())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(ok.body())
                    .contains("# TYPE DCGM_FI_DEV_GPU_TEMP gauge\nDCGM_FI_DEV_GPU_TEMP{gpu=\"0\",UUID=\"GPU-1\"} 41\n");
            HttpResponse<String> om = http.send(
                    HttpRequest.newBuilder(URI.create(s.url("/metrics")))
                            .header("Authorization", AUTH.substring(15).trim())
                            .header("Accept", "application/openmetrics-text;version=1.0.0")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(om.body())
                    .contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"0\",UUID=\"GPU-1\"} 41\n")
                    .endsWith("# EOF\n");
            assertThat(ok.body())
                    .containsPattern("aiwatch_http_auth_failures_total [1-9]")
                    .containsPattern("aiwatch_http_requests_too_large_total [1-9]");
        }
    }

    /** Each case is one complete hostile exchange as raw bytes. */
    private static List<byte[]> hostileCases(Random rnd) {
        List<String> text = new ArrayList<>(List.of(
                "GARBAGE\r\n\r\n",
                "GET\r\n\r\n",
                "GET /metrics\r\n\r\n",
                "GET /metrics HTTP/1.1\r\n\r\n",
                "GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Basic AAAA\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + "Q".repeat(6000) + "\r\n\r\n",
                "FOO /metrics HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "TRACE / HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "DELETE /metrics HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "G E T /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /metrics/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /%252e%252e/%252e%252e/etc/passwd HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /metrics/..;/..;/pom.xml HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /..\\..\\..\\etc\\passwd HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /%C3%28 HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /%FF%FE%00 HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /%C0%AF%C0%AFetc/passwd HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\nZZZZ\r\n",
                "POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n",
                "POST /metrics HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: 100000000\r\n\r\nabc",
                "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nabc",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\n Folded: header\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nNo-Colon-Header\r\n\r\n",
                "GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Huge: " + "h".repeat(100_000) + "\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\n" + "X-Many: y\r\n".repeat(2000) + "\r\n",
                "\r\n\r\n\r\n",
                ""));
        List<byte[]> cases = new ArrayList<>();
        for (String t : text) {
            cases.add(t.getBytes(StandardCharsets.ISO_8859_1));
        }
        cases.add(bytes("GET /\u00c3\u0028\u00ff HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n"));
        cases.add(bytes("GET /met\u0000rics HTTP/1.1\r\nHost: x\r\n\r\n"));
        for (int i = 0; i < 40; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(2048)];
            rnd.nextBytes(junk);
            cases.add(junk);
        }
        return cases;
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends one exchange and half-closes; the status code, or -1 when the server closed without one. */
    private static int send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            try {
                s.getOutputStream().write(request);
                s.shutdownOutput();
            } catch (IOException e) {
                // the server may refuse and close before reading everything (huge headers)
            }
            String head = readHead(s.getInputStream());
            if (head == null || !head.startsWith("HTTP/1.")) {
                return -1;
            }
            String body = head;
            if (body.contains("root:x:0:0") || body.contains("<project")) {
                return 200;
            }
            return Integer.parseInt(head.substring(9, 12));
        } catch (IOException e) {
            return -1; // reset by the server
        }
    }

    /** The response head and body: up to EOF, or up to the end of a Content-Length body. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while (out.size() < 256 * 1024 && (n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            String sofar = out.toString(StandardCharsets.ISO_8859_1);
            int end = sofar.indexOf("\r\n\r\n");
            if (end > 0) {
                var m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)")
                        .matcher(sofar.substring(0, end));
                if (m.find() && out.size() >= end + 4 + Integer.parseInt(m.group(1))) {
                    break;
                }
            }
        }
        return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<Socket> slowloris(int port, int n) throws IOException {
        List<Socket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream()
                    .write("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            out.add(s);
        }
        return out;
    }

    private static boolean closedByServer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            for (int i = 0; i < 100; i++) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
            return false;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static String printable(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 120), StandardCharsets.ISO_8859_1);
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
