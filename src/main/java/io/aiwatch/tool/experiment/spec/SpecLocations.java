package io.aiwatch.tool.experiment.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Line numbers of every key and list element of a YAML document, by JSON pointer
 * ({@code /variables/1/levels/0}), so that a problem found after binding (a workload rejecting a
 * parameter of one expanded step) can still be reported at the line that wrote it.
 */
final class SpecLocations {
    private final Map<String, Integer> lines = new HashMap<>();

    private static final class Frame {
        final String path;
        final boolean array;
        int index = -1;
        String field;

        Frame(String path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }

    static SpecLocations of(String text) {
        SpecLocations s = new SpecLocations();
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            Deque<Frame> stack = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
                    Frame top = stack.peek();
                    top.field = p.currentName();
                    s.lines.putIfAbsent(top.path + "/" + top.field, line);
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                    continue;
                }
                String path = "";
                Frame top = stack.peek();
                if (top != null) {
                    if (top.array) {
                        top.index++;
                        path = top.path + "/" + top.index;
                        s.lines.putIfAbsent(path, line);
                    } else {
                        path = top.path + "/" + top.field;
                    }
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    stack.push(new Frame(path, t == JsonToken.START_ARRAY));
                }
            }
        } catch (IOException e) {
            // the strict binding reports syntax errors with their location; lines stay partial here
        }
        return s;
    }

    /** The line of {@code pointer}, else of its nearest ancestor that has one, else 0. */
    int line(String pointer) {
        String p = pointer;
        while (!p.isEmpty()) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
        return 0;
    }
}
