package io.aiwatch.config;

/**
 * A listen address as dcgm-exporter and Prometheus exporters write it: {@code :9400} (all
 * interfaces), {@code 127.0.0.1:9400}, {@code [::1]:9400}. Port 0 picks a free port.
 *
 * @param host host to bind, or {@code 0.0.0.0} for all interfaces
 * @param port TCP port 0–65535
 */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    "listen address '" + text + "' needs a port, e.g. :9400 or 127.0.0.1:9400");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen address '" + text + "' has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    "port " + port + " of listen address '" + text + "' is out of range 0-65535");
        }
        return new ListenAddress(host.isEmpty() ? "0.0.0.0" : host, port);
    }
}
