package io.aiwatch.reader.alert.promql;

import java.time.Duration;
import java.util.List;

/**
 * The syntax tree of the supported PromQL subset. Every node keeps its offset in the expression
 * text so errors point at the offending token.
 */
public sealed interface Expr {

    /** The type an expression evaluates to, as PromQL's type checker sees it. */
    enum Type {
        SCALAR,
        VECTOR,
        MATRIX,
        STRING
    }

    Type type();

    /** A number literal, e.g. {@code 0.9} or {@code 1e9}. */
    record NumberLit(double value) implements Expr {
        public Type type() {
            return Type.SCALAR;
        }
    }

    /** A string literal (only as a function argument). */
    record StringLit(String value) implements Expr {
        public Type type() {
            return Type.STRING;
        }
    }

    /** {@code name{matchers}}; {@code matchers} include the name as an equality matcher on {@code __name__}. */
    record Selector(String name, List<Matcher> matchers) implements Expr {
        public Selector {
            matchers = List.copyOf(matchers);
        }

        public Type type() {
            return Type.VECTOR;
        }
    }

    /** {@code selector[range]}. */
    record RangeSelector(Selector selector, Duration range) implements Expr {
        public Type type() {
            return Type.MATRIX;
        }
    }

    /** Unary minus (unary plus is dropped by the parser). */
    record Negate(Expr operand) implements Expr {
        public Type type() {
            return operand.type();
        }
    }

    /**
     * A binary operation.
     *
     * @param returnBool {@code bool} modifier on a comparison
     * @param matching   vector matching, or null when at least one side is a scalar
     */
    record Binary(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching) implements Expr {
        public Type type() {
            return lhs.type() == Type.SCALAR && rhs.type() == Type.SCALAR ? Type.SCALAR : Type.VECTOR;
        }
    }

    /** A function call; argument types were checked by the parser. */
    record Call(Function function, List<Expr> args) implements Expr {
        public Call {
            args = List.copyOf(args);
        }

        public Type type() {
            return function.returnType();
        }
    }

    /**
     * An aggregation such as {@code sum by (gpu) (x)}.
     *
     * @param without true for {@code without}, false for {@code by} (and for no clause, with empty labels)
     */
    record Aggregate(AggregateOp op, Expr operand, boolean without, List<String> labels) implements Expr {
        public Aggregate {
            labels = List.copyOf(labels);
        }

        public Type type() {
            return Type.VECTOR;
        }
    }

    /**
     * How two vectors' elements are paired.
     *
     * @param card     one-to-one, many-to-one (group_left), one-to-many (group_right) or many-to-many (set ops)
     * @param on       true for {@code on(...)}, false for {@code ignoring(...)} or no clause
     * @param labels   the labels of the on/ignoring clause
     * @param include  extra labels copied from the "one" side by group_left/group_right
     */
    record VectorMatching(Card card, boolean on, List<String> labels, List<String> include) {
        public VectorMatching {
            labels = List.copyOf(labels);
            include = List.copyOf(include);
        }

        public enum Card {
            ONE_TO_ONE,
            MANY_TO_ONE,
            ONE_TO_MANY,
            MANY_TO_MANY
        }
    }

    /** A label matcher: {@code =}, {@code !=}, {@code =~} (fully anchored) or {@code !~}. */
    record Matcher(String label, MatchType type, String value, java.util.regex.Pattern pattern) {
        public static Matcher of(String label, MatchType type, String value) {
            java.util.regex.Pattern p = type == MatchType.RE || type == MatchType.NRE
                    ? java.util.regex.Pattern.compile("^(?:" + value + ")$", java.util.regex.Pattern.DOTALL)
                    : null;
            return new Matcher(label, type, value, p);
        }

        /** Whether a series with label value {@code v} ("" when absent) matches. */
        public boolean matches(String v) {
            String s = v == null ? "" : v;
            return switch (type) {
                case EQ -> s.equals(value);
                case NEQ -> !s.equals(value);
                case RE -> pattern.matcher(s).matches();
                case NRE -> !pattern.matcher(s).matches();
            };
        }
    }

    enum MatchType {
        EQ,
        NEQ,
        RE,
        NRE
    }

    enum AggregateOp {
        SUM,
        AVG,
        MIN,
        MAX,
        COUNT
    }

    /** Binary operators with PromQL's precedence (higher binds tighter) and associativity. */
    enum BinaryOp {
        OR(1),
        AND(2),
        UNLESS(2),
        EQL(3),
        NEQ(3),
        GTR(3),
        LSS(3),
        GTE(3),
        LTE(3),
        ADD(4),
        SUB(4),
        MUL(5),
        DIV(5),
        MOD(5),
        POW(6);

        final int precedence;

        BinaryOp(int precedence) {
            this.precedence = precedence;
        }

        public boolean isComparison() {
            return precedence == 3;
        }

        public boolean isSetOperator() {
            return this == OR || this == AND || this == UNLESS;
        }

        public boolean rightAssociative() {
            return this == POW;
        }
    }
}
