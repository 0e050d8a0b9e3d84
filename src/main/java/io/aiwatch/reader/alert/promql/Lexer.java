package io.aiwatch.reader.alert.promql;

import java.util.ArrayList;
import java.util.List;

/** Splits PromQL text into tokens; comments ({@code #} to end of line) and blanks are skipped. */
final class Lexer {
    enum Kind {
        IDENT,
        NUMBER,
        DURATION,
        STRING,
        OP,
        LPAREN,
        RPAREN,
        LBRACE,
        RBRACE,
        LBRACKET,
        RBRACKET,
        COMMA,
        EOF
    }

    record Token(Kind kind, String text, int pos) {}

    private final String s;
    private int i;

    private Lexer(String s) {
        this.s = s;
    }

    static List<Token> tokens(String text) throws PromqlException {
        Lexer lx = new Lexer(text);
        List<Token> out = new ArrayList<>();
        boolean inBrackets = false;
        while (true) {
            Token t = lx.next(inBrackets);
            out.add(t);
            if (t.kind() == Kind.LBRACKET) {
                inBrackets = true;
            } else if (t.kind() == Kind.RBRACKET) {
                inBrackets = false;
            }
            if (t.kind() == Kind.EOF) {
                return out;
            }
        }
    }

    private Token next(boolean inBrackets) throws PromqlException {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else {
                break;
            }
        }
        int start = i;
        if (i >= s.length()) {
            return new Token(Kind.EOF, "", start);
        }
        char c = s.charAt(i);
        if (inBrackets && Character.isDigit(c)) {
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)))) {
                i++;
            }
            return new Token(Kind.DURATION, s.substring(start, i), start);
        }
        if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
            return number(start);
        }
        if (Character.isLetter(c) || c == '_' || c == ':') {
            while (i < s.length()
                    && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':')) {
                i++;
            }
            return new Token(Kind.IDENT, s.substring(start, i), start);
        }
        if (c == '"' || c == '\'' || c == '`') {
            return string(c, start);
        }
        i++;
        switch (c) {
            case '(':
                return new Token(Kind.LPAREN, "(", start);
            case ')':
                return new Token(Kind.RPAREN, ")", start);
            case '{':
                return new Token(Kind.LBRACE, "{", start);
            case '}':
                return new Token(Kind.RBRACE, "}", start);
            case '[':
                return new Token(Kind.LBRACKET, "[", start);
            case ']':
                return new Token(Kind.RBRACKET, "]", start);
            case ',':
                return new Token(Kind.COMMA, ",", start);
            case '+':
            case '-':
            case '*':
            case '/':
            case '%':
            case '^':
            case ':':
            case '@':
                return new Token(Kind.OP, String.valueOf(c), start);
            case '=':
                if (peek('=') || peek('~')) {
                    return new Token(Kind.OP, "=" + s.charAt(i++), start);
                }
                return new Token(Kind.OP, "=", start);
            case '!':
                if (peek('=') || peek('~')) {
                    return new Token(Kind.OP, "!" + s.charAt(i++), start);
                }
                break;
            case '<':
            case '>':
                if (peek('=')) {
                    i++;
                    return new Token(Kind.OP, c + "=", start);
                }
                return new Token(Kind.OP, String.valueOf(c), start);
            default:
                break;
        }
        throw new PromqlException("unexpected character '" + c + "'", start);
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private Token number(int start) {
        if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
            i += 2;
            while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
                i++;
            }
            return new Token(Kind.NUMBER, s.substring(start, i), start);
        }
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int save = i;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            if (i < s.length() && Character.isDigit(s.charAt(i))) {
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            } else {
                i = save;
            }
        }
        return new Token(Kind.NUMBER, s.substring(start, i), start);
    }

    private Token string(char quote, int start) throws PromqlException {
        i++;
        StringBuilder sb = new StringBuilder();
        while (i < s.length() && s.charAt(i) != quote) {
            char c = s.charAt(i++);
            if (c == '\\' && quote != '`' && i < s.length()) {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '\\', '"', '\'' -> sb.append(e);
                    default -> sb.append('\\').append(e);
                }
            } else {
                sb.append(c);
            }
        }
        if (i >= s.length()) {
            throw new PromqlException("unterminated string", start);
        }
        i++;
        return new Token(Kind.STRING, sb.toString(), start);
    }
}
