package io.aiwatch.tool.openai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A response's status line and headers, with what decides the body's framing: its length, chunked
 * transfer coding, and whether the connection stays open after it. Read by {@link ResponseDecoder}.
 */
final class ResponseHead {
    final int status;
    /** Headers in order, names as sent. */
    final List<String[]> headers = new ArrayList<>();
    /** Content-Length, or -1 when absent. */
    long length = -1;

    boolean chunked;
    boolean keepAlive;

    ResponseHead(String statusLine) throws IOException {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("bad upstream status line");
        }
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad upstream status line");
        }
        keepAlive = statusLine.startsWith("HTTP/1.1");
    }

    /** One header line; lines without a name are ignored. */
    void header(String line) throws IOException {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("content-length")) {
            try {
                length = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IOException("bad upstream Content-Length");
            }
        } else if (lower.equals("transfer-encoding")
                && value.toLowerCase(Locale.ROOT).contains("chunked")) {
            chunked = true;
        } else if (lower.equals("connection")) {
            String v = value.toLowerCase(Locale.ROOT);
            keepAlive = keepAlive ? !v.contains("close") : v.contains("keep-alive");
        }
        headers.add(new String[] {name, value});
    }
}
