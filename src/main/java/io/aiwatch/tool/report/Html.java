package io.aiwatch.tool.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-contained HTML document: inline CSS, inline SVG plots, no scripts and nothing fetched
 * from the network, so a report opens the same offline, years later.
 */
public final class Html {
    private static final String CSS = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;"
            + "max-width:1100px;padding:0 1em;color:#222;line-height:1.45}"
            + "h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}"
            + "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}"
            + "th,td{border:1px solid #ccc;padding:3px 8px;vertical-align:top}th{background:#f3f3f3;text-align:left}"
            + "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
            + ".banner{background:#fff3cd;border:1px solid #e0c060;padding:.6em 1em;margin:1em 0}"
            + ".bad{color:#b00020;font-weight:600}.good{color:#1b7a2b;font-weight:600}.muted{color:#666}"
            + "svg.plot{display:block;margin:1em 0;max-width:100%;height:auto}"
            + "pre{background:#f6f6f6;padding:.6em;overflow-x:auto}code{font-size:.95em}";

    private final StringBuilder body = new StringBuilder(1 << 16);
    private final String title;

    public Html(String title) {
        this.title = title;
    }

    public Html h1(String text) {
        body.append("<h1>").append(escape(text)).append("</h1>\n");
        return this;
    }

    public Html h2(String text, String id) {
        body.append("<h2 id=\"")
                .append(escape(id))
                .append("\">")
                .append(escape(text))
                .append("</h2>\n");
        return this;
    }

    public Html h3(String text) {
        body.append("<h3>").append(escape(text)).append("</h3>\n");
        return this;
    }

    public Html p(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A paragraph with a CSS class (banner, bad, good, muted). */
    public Html p(String text, String cssClass) {
        body.append("<p class=\"")
                .append(escape(cssClass))
                .append("\">")
                .append(escape(text))
                .append("</p>\n");
        return this;
    }

    public Html pre(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    public Html list(List<String> items) {
        body.append("<ul>");
        for (String i : items) {
            body.append("<li>").append(escape(i)).append("</li>");
        }
        body.append("</ul>\n");
        return this;
    }

    public Html table(Table t) {
        body.append(t.html()).append('\n');
        return this;
    }

    public Html plot(Plot p) {
        body.append(p.svg()).append('\n');
        return this;
    }

    /** Trusted markup made by this package's own builders. */
    Html raw(String html) {
        body.append(html);
        return this;
    }

    public String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title><style>" + CSS + "</style></head><body>\n"
                + body + "</body></html>\n";
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
