package io.aiwatch.tool.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table for both report formats: HTML (numbers right-aligned) and Markdown. Cells are text;
 * a cell marked numeric is right-aligned.
 */
public final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final boolean[] numeric;

    public Table(List<String> headers, boolean... numericColumns) {
        this.headers = List.copyOf(headers);
        this.numeric = new boolean[headers.size()];
        for (int i = 0; i < numericColumns.length && i < numeric.length; i++) {
            numeric[i] = numericColumns[i];
        }
    }

    public Table row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, table " + headers.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    public Table row(String... cells) {
        return row(List.of(cells));
    }

    public int size() {
        return rows.size();
    }

    public String html() {
        StringBuilder sb = new StringBuilder("<table><thead><tr>");
        for (String h : headers) {
            sb.append("<th>").append(Html.escape(h)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                sb.append(numeric[i] ? "<td class=\"num\">" : "<td>")
                        .append(Html.escape(r.get(i)))
                        .append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</tbody></table>").toString();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("|");
        for (String h : headers) {
            sb.append(' ').append(cell(h)).append(" |");
        }
        sb.append("\n|");
        for (boolean n : numeric) {
            sb.append(n ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            sb.append('|');
            for (String c : r) {
                sb.append(' ').append(cell(c)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
