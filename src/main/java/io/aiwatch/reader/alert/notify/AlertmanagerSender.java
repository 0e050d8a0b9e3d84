package io.aiwatch.reader.alert.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers alerts to one Alertmanager ({@code POST /api/v2/alerts}) from a bounded queue on its
 * own thread. The queue holds the newest notification per alert (label set): a re-send replaces
 * the queued one, so an outage of minutes does not fill the queue with repeats. When the queue is
 * full the oldest entry is dropped and counted. A failed POST (connection error, timeout, 5xx,
 * 429) leaves the batch queued and is retried with exponential backoff, so alerts raised while
 * Alertmanager is down arrive when it returns; a 4xx other than 429 means the alerts themselves
 * are invalid, so that batch is dropped and counted.
 */
public final class AlertmanagerSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AlertmanagerSender.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Delivery settings.
     *
     * @param capacity       most alerts queued (10000 in Prometheus)
     * @param batchSize      most alerts per POST (64 in Prometheus 2.x)
     * @param timeout        limit for one POST
     * @param initialBackoff wait after the first failure; doubled per further failure
     * @param maxBackoff     longest wait between retries
     */
    public record Settings(
            int capacity, int batchSize, Duration timeout, Duration initialBackoff, Duration maxBackoff) {
        public static Settings defaults() {
            return new Settings(10_000, 64, Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(30));
        }
    }

    private final URI endpoint;
    private final String name;
    private final Settings settings;
    private final HttpClient http;
    private final LinkedHashMap<SortedMap<String, String>, PostableAlert> queue = new LinkedHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private int failuresInRow;

    /** @param baseUrl Alertmanager's base URL, e.g. {@code http://127.0.0.1:9093} (a path prefix is kept) */
    public AlertmanagerSender(URI baseUrl, Settings settings) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/api/v2/alerts");
        this.name = baseUrl.getHost() + ":"
                + (baseUrl.getPort() >= 0 ? baseUrl.getPort() : "https".equals(baseUrl.getScheme()) ? 443 : 80);
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.thread = new Thread(this::loop, "alertmanager-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The {@code alertmanager} label value: host:port (never credentials or paths). */
    public String name() {
        return name;
    }

    /** Queues alerts; a queued notification of the same alert is replaced by the newer one. */
    public void enqueue(List<PostableAlert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        synchronized (queue) {
            for (PostableAlert a : alerts) {
                queue.remove(a.labels());
                queue.put(a.labels(), a);
                if (queue.size() > settings.capacity()) {
                    Iterator<?> it = queue.keySet().iterator();
                    it.next();
                    it.remove();
                    dropped.incrementAndGet();
                }
            }
            queue.notifyAll();
        }
    }

    public long sent() {
        return sent.get();
    }

    public long errors() {
        return errors.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public int queueLength() {
        synchronized (queue) {
            return queue.size();
        }
    }

    public int capacity() {
        return settings.capacity();
    }

    private void loop() {
        while (!closed) {
            List<PostableAlert> batch = new ArrayList<>();
            synchronized (queue) {
                while (queue.isEmpty() && !closed) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                for (PostableAlert a : queue.values()) {
                    if (batch.size() >= settings.batchSize()) {
                        break;
                    }
                    batch.add(a);
                }
            }
            if (closed) {
                return;
            }
            int status = post(batch);
            if (status >= 200 && status < 300) {
                failuresInRow = 0;
                sent.addAndGet(batch.size());
                removeIfUnchanged(batch);
            } else if (status >= 400 && status < 500 && status != 429) {
                failuresInRow = 0;
                errors.addAndGet(batch.size());
                dropped.addAndGet(batch.size());
                removeIfUnchanged(batch);
            } else {
                errors.addAndGet(batch.size());
                backoff();
            }
        }
    }

    private void removeIfUnchanged(List<PostableAlert> batch) {
        synchronized (queue) {
            for (PostableAlert a : batch) {
                if (queue.get(a.labels()) == a) {
                    queue.remove(a.labels());
                }
            }
        }
    }

    private void backoff() {
        long ms = settings.initialBackoff().toMillis() << Math.min(failuresInRow, 20);
        failuresInRow++;
        ms = Math.min(ms, settings.maxBackoff().toMillis());
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** POSTs one batch; the HTTP status, or -1 when there was no answer. */
    private int post(List<PostableAlert> batch) {
        try {
            List<Map<String, Object>> body = new ArrayList<>(batch.size());
            batch.forEach(a -> body.add(a.json()));
            HttpRequest req = HttpRequest.newBuilder(endpoint)
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                String text = resp.body() == null ? "" : resp.body();
                LOG.warning("alertmanager " + name + " answered " + resp.statusCode() + " to " + batch.size()
                        + " alert(s): " + text.substring(0, Math.min(300, text.length())));
            }
            return resp.statusCode();
        } catch (IOException e) {
            if (failuresInRow == 0) {
                LOG.log(Level.WARNING, "alertmanager " + name + " unreachable, will retry: " + e);
            }
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
            return -1;
        }
    }

    /** Stops the sender thread; alerts still queued are not sent (Alertmanager gets them again from the next daemon). */
    @Override
    public void close() {
        closed = true;
        synchronized (queue) {
            queue.notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
