package io.aiwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol with the JDK's WebSocket
 * client: load a page, collect console messages, uncaught exceptions, log errors and every
 * network request, and evaluate script in the page.
 */
final class HeadlessChromium implements AutoCloseable {
    static final String BINARY = "/usr/bin/chromium";
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final WebSocket socket;
    private final ObjectMapper json = new ObjectMapper();
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Console messages of level error/warning, exceptions and log errors seen so far. */
    final List<String> problems = new ArrayList<>();
    /** URLs the page requested. */
    final List<String> requests = new ArrayList<>();

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    static HeadlessChromium start(Path profile) throws Exception {
        ExternalProgram.require(BINARY, "chromium");
        Files.createDirectories(profile);
        Process p = new ProcessBuilder(
                        BINARY,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-port=0",
                        "about:blank")
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String browserWs = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < until && (line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                browserWs = m.group(1);
                break;
            }
        }
        if (browserWs == null) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not open its DevTools port:\n" + seen);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (IOException e) {
                // chromium exited
            }
        });
        drain.setDaemon(true);
        drain.start();
        URI browser = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(
                        HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        String pageWs = null;
        for (JsonNode t : new ObjectMapper().readTree(list)) {
            if ("page".equals(t.path("type").asText())) {
                pageWs = t.path("webSocketDebuggerUrl").asText();
            }
        }
        if (pageWs == null) {
            p.destroyForcibly();
            throw new AssertionError("chromium has no page target: " + list);
        }
        HeadlessChromium[] self = new HeadlessChromium[1];
        StringBuilder partial = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(pageWs), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                self[0].messages.add(self[0].json.readTree(partial.toString()));
                            } catch (IOException e) {
                                // not JSON: ignore
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(p, ws);
        return self[0];
    }

    /** Sends a command and returns its result, recording every event that arrives meanwhile. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = json.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params == null ? json.createObjectNode() : params);
        socket.sendText(json.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            JsonNode m = messages.poll(200, TimeUnit.MILLISECONDS);
            if (m == null) {
                continue;
            }
            if (m.path("id").asInt(-1) == id) {
                if (m.has("error")) {
                    throw new AssertionError(method + " failed: " + m.get("error"));
                }
                return m.path("result");
            }
            event(m);
        }
        throw new AssertionError(method + ": no answer within 30 s");
    }

    /** Loads {@code url} and waits for its load event. */
    void load(String url) throws Exception {
        call("Runtime.enable", null);
        call("Log.enable", null);
        call("Network.enable", null);
        call("Page.enable", null);
        call("Page.navigate", json.createObjectNode().put("url", url));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            JsonNode m = messages.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && "Page.loadEventFired".equals(m.path("method").asText())) {
                return;
            }
            if (m != null) {
                event(m);
            }
        }
        throw new AssertionError("no load event for " + url + " within 30 s");
    }

    /** Evaluates {@code expression} in the page; returns its value (JSON) as a tree. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call(
                "Runtime.evaluate",
                json.createObjectNode().put("expression", expression).put("returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("script failed: " + r.get("exceptionDetails"));
        }
        return json.readTree(r.path("result").path("value").asText());
    }

    /** Lets late events arrive, then records them. */
    void settle(Duration d) throws InterruptedException {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            JsonNode m = messages.poll(50, TimeUnit.MILLISECONDS);
            if (m != null) {
                event(m);
            }
        }
    }

    private void event(JsonNode m) {
        String method = m.path("method").asText();
        JsonNode p = m.path("params");
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                String type = p.path("type").asText();
                if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
                    problems.add("console." + type + ": " + p.path("args"));
                }
            }
            case "Runtime.exceptionThrown" -> problems.add("exception: " + p.path("exceptionDetails"));
            case "Log.entryAdded" -> {
                String level = p.path("entry").path("level").asText();
                if (level.equals("error") || level.equals("warning")) {
                    problems.add(
                            "log." + level + ": " + p.path("entry").path("text").asText() + " "
                                    + p.path("entry").path("url").asText());
                }
            }
            case "Network.requestWillBeSent" ->
                requests.add(p.path("request").path("url").asText());
            default -> {
                // other events do not matter here
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
