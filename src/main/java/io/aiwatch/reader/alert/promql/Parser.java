package io.aiwatch.reader.alert.promql;

import io.aiwatch.reader.alert.promql.Expr.AggregateOp;
import io.aiwatch.reader.alert.promql.Expr.BinaryOp;
import io.aiwatch.reader.alert.promql.Expr.MatchType;
import io.aiwatch.reader.alert.promql.Expr.Type;
import io.aiwatch.reader.alert.promql.Expr.VectorMatching;
import io.aiwatch.reader.alert.promql.Lexer.Kind;
import io.aiwatch.reader.alert.promql.Lexer.Token;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser for the PromQL subset documented in {@code docs/ALERT_EVALUATOR.md}.
 * Anything outside it (offset, @, subqueries, other functions and aggregations) is refused
 * with the position of the offending token rather than evaluated wrongly.
 */
public final class Parser {
    private static final Map<String, BinaryOp> OPS = Map.ofEntries(
            Map.entry("or", BinaryOp.OR),
            Map.entry("and", BinaryOp.AND),
            Map.entry("unless", BinaryOp.UNLESS),
            Map.entry("==", BinaryOp.EQL),
            Map.entry("!=", BinaryOp.NEQ),
            Map.entry(">", BinaryOp.GTR),
            Map.entry("<", BinaryOp.LSS),
            Map.entry(">=", BinaryOp.GTE),
            Map.entry("<=", BinaryOp.LTE),
            Map.entry("+", BinaryOp.ADD),
            Map.entry("-", BinaryOp.SUB),
            Map.entry("*", BinaryOp.MUL),
            Map.entry("/", BinaryOp.DIV),
            Map.entry("%", BinaryOp.MOD),
            Map.entry("^", BinaryOp.POW));
    private static final List<String> UNSUPPORTED_AGGREGATIONS =
            List.of("stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group");

    private final List<Token> tokens;
    private int p;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Parses {@code text}; the result is type-checked. */
    public static Expr parse(String text) throws PromqlException {
        Parser parser = new Parser(Lexer.tokens(text));
        if (parser.peek().kind() == Kind.EOF) {
            throw new PromqlException("empty expression", 0);
        }
        Expr e = parser.binary(1);
        Token t = parser.peek();
        if (t.kind() != Kind.EOF) {
            throw new PromqlException("unexpected '" + t.text() + "'", t.pos());
        }
        if (e.type() != Type.SCALAR && e.type() != Type.VECTOR) {
            throw new PromqlException(
                    "expression must be a scalar or instant vector, not a "
                            + e.type().name().toLowerCase(Locale.ROOT),
                    0);
        }
        return e;
    }

    private Token peek() {
        return tokens.get(p);
    }

    private Token take() {
        return tokens.get(p++);
    }

    private Token expect(Kind kind, String what) throws PromqlException {
        Token t = take();
        if (t.kind() != kind) {
            throw new PromqlException("expected " + what + " but found '" + t.text() + "'", t.pos());
        }
        return t;
    }

    private BinaryOp peekOp() {
        Token t = peek();
        if (t.kind() == Kind.OP || t.kind() == Kind.IDENT) {
            return OPS.get(t.kind() == Kind.IDENT ? t.text().toLowerCase(Locale.ROOT) : t.text());
        }
        return null;
    }

    private Expr binary(int minPrecedence) throws PromqlException {
        Expr lhs = unary();
        while (true) {
            BinaryOp op = peekOp();
            if (op == null || op.precedence < minPrecedence) {
                return lhs;
            }
            Token opToken = take();
            boolean returnBool = false;
            if (isKeyword("bool")) {
                take();
                if (!op.isComparison()) {
                    throw new PromqlException("bool modifier can only be used on comparison operators", opToken.pos());
                }
                returnBool = true;
            }
            VectorMatching matching = matching(op);
            Expr rhs = binary(op.rightAssociative() ? op.precedence : op.precedence + 1);
            lhs = check(new Expr.Binary(op, lhs, rhs, returnBool, matching), opToken.pos());
        }
    }

    private VectorMatching matching(BinaryOp op) throws PromqlException {
        VectorMatching.Card card =
                op.isSetOperator() ? VectorMatching.Card.MANY_TO_MANY : VectorMatching.Card.ONE_TO_ONE;
        boolean on = false;
        List<String> labels = List.of();
        List<String> include = List.of();
        if (isKeyword("on") || isKeyword("ignoring")) {
            on = take().text().equalsIgnoreCase("on");
            labels = labelList();
            if (isKeyword("group_left") || isKeyword("group_right")) {
                Token g = take();
                if (op.isSetOperator()) {
                    throw new PromqlException(
                            "no grouping allowed for set operator " + op.name().toLowerCase(Locale.ROOT), g.pos());
                }
                card = g.text().equalsIgnoreCase("group_left")
                        ? VectorMatching.Card.MANY_TO_ONE
                        : VectorMatching.Card.ONE_TO_MANY;
                include = peek().kind() == Kind.LPAREN ? labelList() : List.of();
            }
        }
        return new VectorMatching(card, on, labels, include);
    }

    private Expr check(Expr.Binary b, int pos) throws PromqlException {
        Type lt = b.lhs().type();
        Type rt = b.rhs().type();
        if ((lt != Type.SCALAR && lt != Type.VECTOR) || (rt != Type.SCALAR && rt != Type.VECTOR)) {
            throw new PromqlException("binary expression must contain only scalar and instant vector types", pos);
        }
        if (b.op().isComparison() && !b.returnBool() && lt == Type.SCALAR && rt == Type.SCALAR) {
            throw new PromqlException("comparisons between scalars must use BOOL modifier", pos);
        }
        if (b.op().isSetOperator() && (lt != Type.VECTOR || rt != Type.VECTOR)) {
            throw new PromqlException(
                    "set operator " + b.op().name().toLowerCase(Locale.ROOT)
                            + " not allowed in binary scalar expression",
                    pos);
        }
        boolean bothVectors = lt == Type.VECTOR && rt == Type.VECTOR;
        VectorMatching m = b.matching();
        if (!bothVectors && (m.on() || !m.labels().isEmpty() || m.card() != VectorMatching.Card.ONE_TO_ONE)) {
            throw new PromqlException("vector matching only allowed between instant vectors", pos);
        }
        return new Expr.Binary(b.op(), b.lhs(), b.rhs(), b.returnBool(), bothVectors ? m : null);
    }

    private Expr unary() throws PromqlException {
        Token t = peek();
        if (t.kind() == Kind.OP && (t.text().equals("-") || t.text().equals("+"))) {
            take();
            Expr operand = binary(BinaryOp.POW.precedence);
            if (operand.type() != Type.SCALAR && operand.type() != Type.VECTOR) {
                throw new PromqlException(
                        "unary expression only allowed on expressions of type scalar or instant vector", t.pos());
            }
            if (t.text().equals("+")) {
                return operand;
            }
            return operand instanceof Expr.NumberLit n ? new Expr.NumberLit(-n.value()) : new Expr.Negate(operand);
        }
        return postfix(primary());
    }

    private Expr postfix(Expr e) throws PromqlException {
        Token t = peek();
        if (t.kind() == Kind.LBRACKET) {
            take();
            Token d = take();
            if (d.kind() != Kind.DURATION) {
                throw new PromqlException("expected a duration in [...] but found '" + d.text() + "'", d.pos());
            }
            Token close = take();
            if (close.text().startsWith(":")) {
                throw new PromqlException("subqueries are not supported", close.pos());
            }
            if (close.kind() != Kind.RBRACKET) {
                throw new PromqlException("expected ']' but found '" + close.text() + "'", close.pos());
            }
            if (!(e instanceof Expr.Selector s)) {
                throw new PromqlException("ranges only allowed for vector selectors", t.pos());
            }
            Duration range = duration(d);
            if (range.isZero()) {
                throw new PromqlException("range must be positive", d.pos());
            }
            e = new Expr.RangeSelector(s, range);
        }
        Token n = peek();
        if (n.kind() == Kind.IDENT && n.text().equals("offset")
                || n.kind() == Kind.OP && n.text().equals("@")) {
            throw new PromqlException("'" + n.text() + "' modifiers are not supported", n.pos());
        }
        return e;
    }

    private Expr primary() throws PromqlException {
        Token t = take();
        switch (t.kind()) {
            case NUMBER:
                return new Expr.NumberLit(number(t));
            case STRING:
                return new Expr.StringLit(t.text());
            case LPAREN: {
                Expr e = binary(1);
                expect(Kind.RPAREN, "')'");
                return e;
            }
            case LBRACE:
                p--;
                return selector(null, t.pos());
            case IDENT:
                return identifier(t);
            default:
                throw new PromqlException("unexpected '" + t.text() + "'", t.pos());
        }
    }

    private Expr identifier(Token t) throws PromqlException {
        String word = t.text();
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.equals("inf") || lower.equals("nan")) {
            return new Expr.NumberLit(lower.equals("inf") ? Double.POSITIVE_INFINITY : Double.NaN);
        }
        AggregateOp agg = aggregateOp(lower);
        if (agg != null && (peek().kind() == Kind.LPAREN || isKeyword("by") || isKeyword("without"))) {
            return aggregate(agg, t);
        }
        if (UNSUPPORTED_AGGREGATIONS.contains(lower)
                && (peek().kind() == Kind.LPAREN || isKeyword("by") || isKeyword("without"))) {
            throw new PromqlException("aggregation '" + word + "' is not supported", t.pos());
        }
        if (peek().kind() == Kind.LPAREN) {
            Function f = Function.byName(word);
            if (f == null) {
                throw new PromqlException("function '" + word + "' is not supported", t.pos());
            }
            return call(f, t);
        }
        return selector(word, t.pos());
    }

    private Expr call(Function f, Token name) throws PromqlException {
        expect(Kind.LPAREN, "'('");
        List<Expr> args = new ArrayList<>();
        if (peek().kind() != Kind.RPAREN) {
            do {
                args.add(binary(1));
            } while (peek().kind() == Kind.COMMA && take() != null);
        }
        expect(Kind.RPAREN, "')'");
        if (args.size() != f.argTypes().size()) {
            throw new PromqlException(
                    "function '" + f.promqlName() + "' takes " + f.argTypes().size() + " argument(s), got "
                            + args.size(),
                    name.pos());
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).type() != f.argTypes().get(i)) {
                throw new PromqlException(
                        "argument " + (i + 1) + " of '" + f.promqlName() + "' must be a "
                                + f.argTypes()
                                        .get(i)
                                        .name()
                                        .toLowerCase(Locale.ROOT)
                                        .replace("matrix", "range vector")
                                        .replace("vector", "instant vector")
                                        .replace("range instant", "range"),
                        name.pos());
            }
        }
        return new Expr.Call(f, args);
    }

    private Expr aggregate(AggregateOp op, Token name) throws PromqlException {
        boolean without = false;
        List<String> labels = List.of();
        boolean clause = false;
        if (isKeyword("by") || isKeyword("without")) {
            without = take().text().equalsIgnoreCase("without");
            labels = labelList();
            clause = true;
        }
        expect(Kind.LPAREN, "'('");
        Expr operand = binary(1);
        if (peek().kind() == Kind.COMMA) {
            throw new PromqlException("aggregation '" + name.text() + "' takes one argument", peek().pos());
        }
        expect(Kind.RPAREN, "')'");
        if (!clause && (isKeyword("by") || isKeyword("without"))) {
            without = take().text().equalsIgnoreCase("without");
            labels = labelList();
        }
        if (operand.type() != Type.VECTOR) {
            throw new PromqlException("expected an instant vector in aggregation '" + name.text() + "'", name.pos());
        }
        return new Expr.Aggregate(op, operand, without, labels);
    }

    private Expr.Selector selector(String name, int pos) throws PromqlException {
        List<Expr.Matcher> matchers = new ArrayList<>();
        if (name != null) {
            matchers.add(Expr.Matcher.of("__name__", MatchType.EQ, name));
        }
        if (peek().kind() == Kind.LBRACE) {
            take();
            while (peek().kind() != Kind.RBRACE) {
                Token label = expect(Kind.IDENT, "a label name");
                Token op = expect(Kind.OP, "a matcher (=, !=, =~, !~)");
                MatchType type = switch (op.text()) {
                    case "=" -> MatchType.EQ;
                    case "!=" -> MatchType.NEQ;
                    case "=~" -> MatchType.RE;
                    case "!~" -> MatchType.NRE;
                    default -> throw new PromqlException("unexpected '" + op.text() + "' in label matching", op.pos());
                };
                Token value = expect(Kind.STRING, "a quoted label value");
                try {
                    matchers.add(Expr.Matcher.of(label.text(), type, value.text()));
                } catch (PatternSyntaxException e) {
                    throw new PromqlException("bad regular expression: " + e.getDescription(), value.pos());
                }
                if (peek().kind() == Kind.COMMA) {
                    take();
                } else if (peek().kind() != Kind.RBRACE) {
                    throw new PromqlException("expected ',' or '}' in label matching", peek().pos());
                }
            }
            take();
        }
        if (matchers.stream().noneMatch(m -> !m.matches(""))) {
            throw new PromqlException("vector selector must contain at least one non-empty matcher", pos);
        }
        String metric = matchers.stream()
                .filter(m -> m.label().equals("__name__") && m.type() == MatchType.EQ)
                .map(Expr.Matcher::value)
                .findFirst()
                .orElse(null);
        return new Expr.Selector(metric, matchers);
    }

    private List<String> labelList() throws PromqlException {
        expect(Kind.LPAREN, "'('");
        List<String> labels = new ArrayList<>();
        while (peek().kind() != Kind.RPAREN) {
            labels.add(expect(Kind.IDENT, "a label name").text());
            if (peek().kind() == Kind.COMMA) {
                take();
            } else if (peek().kind() != Kind.RPAREN) {
                throw new PromqlException("expected ',' or ')' in label list", peek().pos());
            }
        }
        take();
        return labels;
    }

    private boolean isKeyword(String word) {
        Token t = peek();
        return t.kind() == Kind.IDENT && t.text().equalsIgnoreCase(word);
    }

    private static AggregateOp aggregateOp(String lower) {
        return switch (lower) {
            case "sum" -> AggregateOp.SUM;
            case "avg" -> AggregateOp.AVG;
            case "min" -> AggregateOp.MIN;
            case "max" -> AggregateOp.MAX;
            case "count" -> AggregateOp.COUNT;
            default -> null;
        };
    }

    private static double number(Token t) throws PromqlException {
        String s = t.text();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new PromqlException("bad number '" + s + "'", t.pos());
        }
    }

    /** A PromQL duration ({@code 5m}, {@code 1h30m}, {@code 1d}) as rule files write {@code for:} and {@code interval:}. */
    public static Duration duration(String text) throws PromqlException {
        return duration(new Token(Lexer.Kind.DURATION, text, 0));
    }

    /** PromQL durations: one or more of {@code <n>y|w|d|h|m|s|ms}, largest unit first. */
    static Duration duration(Token t) throws PromqlException {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)").matcher(t.text());
        long ms = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            ms += n
                    * switch (m.group(2)) {
                        case "y" -> 365L * 86_400_000;
                        case "w" -> 7L * 86_400_000;
                        case "d" -> 86_400_000L;
                        case "h" -> 3_600_000L;
                        case "m" -> 60_000L;
                        case "s" -> 1000L;
                        default -> 1L;
                    };
            end = m.end();
        }
        if (end != t.text().length()) {
            throw new PromqlException("bad duration '" + t.text() + "'", t.pos());
        }
        return Duration.ofMillis(ms);
    }
}
